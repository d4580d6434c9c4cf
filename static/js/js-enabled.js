// Marks the page as able to run the NHS.UK frontend scripts (kept out of
// the HTML so the Content Security Policy can forbid inline scripts).
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
