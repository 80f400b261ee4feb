// A print button (inline handlers are not allowed by the page's content security policy).
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
