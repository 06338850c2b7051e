// The history database's schema and its ordered migrations. schema_version holds one
// row: the number of migrations applied. Migrations run in one IMMEDIATE transaction,
// so concurrent openers serialize and each migration is applied exactly once; a
// database newer than this build is refused rather than written to.
#pragma once

#include <Poco/Data/Session.h>

namespace snaprun::orchestrator {

inline constexpr int kHistorySchemaVersion = 3;

// Reads the version (0 for an empty database). Poco exceptions propagate: callers are
// the store's adapter, which converts them.
int ReadSchemaVersion(Poco::Data::Session& session);
// Applies migrations up to TARGET (≤ kHistorySchemaVersion), inside the caller's
// transaction. Throws Poco::Exception; returns false when the database is newer.
bool MigrateHistorySchema(Poco::Data::Session& session, int target = kHistorySchemaVersion);

}  // namespace snaprun::orchestrator
