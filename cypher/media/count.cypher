// Title: how many media nodes exist
MATCH (m:Media) RETURN count(m) AS media
