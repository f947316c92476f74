// Start every GOV.UK Frontend component on the page (error summary focus, character count, conditional
// reveals, service navigation menu, notification banners, buttons that refuse a double click).
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
