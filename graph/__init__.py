"""Neo4j access: the driver, managed transactions over the Cypher catalog, and repositories."""
