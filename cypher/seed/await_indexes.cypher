// Title: indexes not online yet, with how far each has populated (the bulk path polls this until it returns nothing)
// Blocks: administration, returns no content
SHOW INDEXES YIELD name, state, populationPercent
WHERE state <> "ONLINE"
RETURN name, state, populationPercent
