// How `snaprun ls` and `snaprun show` present a RunRecord: JSON with every recorded
// field (times as UTC RFC 3339 with milliseconds), one table row, and the long text
// form. Pure formatting; nothing here reads the history.
#pragma once

#include <string>

#include "orchestrator/history/run_record.h"

namespace snaprun::orchestrator {

std::string FormatTimeMs(int64_t ms);  // "2026-11-27T03:10:00.123Z"
std::string RecordJson(const RunRecord& run, bool pretty);
std::string RecordTableHeader();
std::string RecordTableRow(const RunRecord& run);
std::string RecordText(const RunRecord& run);

}  // namespace snaprun::orchestrator
