// Starts the NHS.UK frontend components. Everything works without this.
import { initAll } from "../vendor/nhsuk-frontend/nhsuk-frontend.min.js";

initAll();
