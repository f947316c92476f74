// GOV.UK Frontend's "is JavaScript on" marker, run first thing in <body> (an inline script would break the
// Content-Security-Policy, script-src 'self'). Components style themselves for scripts only when it is set.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
