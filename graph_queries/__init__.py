"""Graph queries for auditors (ADR 0004): named `.cypher` queries with headers, networkx
analyses, ad-hoc read-only Cypher, answers as JSON, CSV and SVG."""
