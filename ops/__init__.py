"""Operations: the local stack (Neo4j, MinIO, Redis, nginx) and its configuration templates."""
