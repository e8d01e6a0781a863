"""The service intelligentization cycle (R-2): steps, transitions, approvals, issued IDs,
deadlines and the audit trail (ADR 0005). Import from the modules: `engine` (the cycle),
`states`, `config`, `deadlines`, `obligations`, `changes`, `reports`, and `facts`, the values
the cycle and the store's port exchange (ADR 0021)."""
