// Swagger UI for /docs, from govcat's own host (ADR 0031): no script is inline.
window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: false });
