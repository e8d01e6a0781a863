// Test-only Cypher checker built on Neo4j's own grammar and semantic analysis
// (@neo4j-cypher/language-support).
//
// stdin:  a JSON array of Cypher query strings.
// stdout: a JSON array with one entry per input, in order:
//           {"errors": [Diag, ...], "warnings": [Diag, ...]}
//         Diag = {"severity": "error"|"warning"|"information"|"hint", "message": str,
//                 "start": int, "end": int,        // character offsets into the query
//                 "line": int, "column": int,      // 1-based position of "start"
//                 "source": "neo4j"|"govcat"}
// exit:   0 whenever the queries were linted (the caller decides what is a failure);
//         2 when stdin is not a JSON array of strings.
//
// What is deliberately NOT reported:
//   - "$param is not defined": every parameter a query uses is declared in the schema given to
//     the linter (the driver supplies parameters at run time).
//   - labels, relationship types and property keys unknown to a database: the schema declares
//     none, so the linter skips those checks (they would only ever be warnings anyway).
// What is added on top of Neo4j's checks (source "govcat"): an empty query and a string holding
// more than one statement are errors, since a driver runs exactly one statement per call.

import { lintCypherQuery, parseParameters, parseStatementsStrs } from '@neo4j-cypher/language-support';

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };
const OPTIONS = { consoleCommandsEnabled: false };

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on('data', (chunk) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

function lineColumn(query, offset) {
  const before = query.slice(0, Math.max(0, Math.min(offset, query.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

function govcatError(query, message) {
  return { severity: 'error', message, start: 0, end: query.length, line: 1, column: 1, source: 'govcat' };
}

function lintOne(query) {
  const errors = [];
  const warnings = [];
  if (query.trim().length === 0) {
    errors.push(govcatError(query, 'Empty query.'));
    return { errors, warnings };
  }
  const statements = parseStatementsStrs(query);
  if (statements.length > 1) {
    errors.push(
      govcatError(query, `Expected one statement, found ${statements.length} (separated by ';').`),
    );
  }
  const parameters = Object.fromEntries(parseParameters(query, false).map((name) => [name, null]));
  const { diagnostics } = lintCypherQuery(query, { parameters }, OPTIONS);
  for (const d of diagnostics) {
    const severity = SEVERITY[d.severity] ?? 'error';
    const start = d.offsets?.start ?? 0;
    const end = d.offsets?.end ?? start;
    const entry = { severity, message: d.message, start, end, ...lineColumn(query, start), source: 'neo4j' };
    (severity === 'error' ? errors : warnings).push(entry);
  }
  return { errors, warnings };
}

const text = await readStdin();
let queries;
try {
  queries = JSON.parse(text);
} catch (e) {
  process.stderr.write(`lint.mjs: stdin is not JSON: ${e.message}\n`);
  process.exit(2);
}
if (!Array.isArray(queries) || !queries.every((q) => typeof q === 'string')) {
  process.stderr.write('lint.mjs: stdin must be a JSON array of strings\n');
  process.exit(2);
}

const results = queries.map((query) => {
  try {
    return lintOne(query);
  } catch (e) {
    // Never let a linter crash look like a clean query.
    return { errors: [govcatError(query, `Linter crashed: ${e?.stack ?? e}`)], warnings: [] };
  }
});
process.stdout.write(JSON.stringify(results) + '\n');
