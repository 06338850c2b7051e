// RunRecord ↔ rows of the runs table (schema in history_schema.cc). Internal to the
// SQLite store; Poco exceptions propagate to its adapter.
#pragma once

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include <string>

#include "orchestrator/history/history_store.h"
#include "orchestrator/history/run_record.h"

namespace snaprun::orchestrator {

// "id, name, …": every column a RunRecord fills, in binding order.
const std::string& RunColumns();
// "?, ?, …" matching RunColumns().
const std::string& RunPlaceholders();
// Binds RUN's values in RunColumns() order.
void BindRun(Poco::Data::Statement& statement, const RunRecord& run);
// The record at ROWS' current row (selected with RunColumns()).
RunRecord ReadRun(Poco::Data::RecordSet& rows);
// "col = ?, …" for the fields UPDATE sets, binding their values in the same order;
// the state's time column too when the state changes. Empty when nothing is set.
std::string BindUpdate(Poco::Data::Statement& statement, const RunUpdate& update);

}  // namespace snaprun::orchestrator
