// Starts the vendored Swagger UI on /api/v1/docs. A file, not an inline script: the CSP allows only
// scripts from this site. The OpenAPI address comes from the page's data-openapi attribute.
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapi,
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
