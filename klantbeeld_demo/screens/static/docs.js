// Starts Swagger UI on the façade's own OpenAPI document. A file, not an inline
// script: the page's Content-Security-Policy allows scripts from the façade only.
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // Swagger UI would send the document to validator.swagger.io: never.
    validatorUrl: null,
    deepLinking: true,
    // A BSN typed into "Try it out" stays in the page, not in the browser's storage.
    persistAuthorization: false,
  });
});
