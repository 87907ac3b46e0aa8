"""Capacity estimates for Graphgram from a load profile, calibrated by live figures."""
