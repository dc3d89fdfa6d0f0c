// The placement service's live status page (cloud/src/status_page.html), built into the
// binary so the service serves it with nothing else installed.
#pragma once

namespace kite::cloud {

/// The page's HTML, which reads /status.json from the same port every second.
const char* status_page_html();

} // namespace kite::cloud
