// n8n's own logger prints to the console from inside node runs (the node logs every paid task):
// silent in unit and node tests, where the saved execution is what is checked.
process.env.N8N_LOG_LEVEL = 'silent';
