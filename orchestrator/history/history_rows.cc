#include "orchestrator/history/history_rows.h"

#include <Poco/Nullable.h>

#include <vector>

namespace snaprun::orchestrator {
namespace {

using Poco::Data::Keywords::bind;
using NullableInt = Poco::Nullable<Poco::Int64>;
using NullableText = Poco::Nullable<std::string>;

const char* kTimeColumns[kRunStateCount] = {"queued_at",     "preparing_at", "running_at",
                                            "harvesting_at", "completed_at", "failed_at",
                                            "canceled_at",   "timed_out_at", "lost_at"};

template <typename T>
NullableInt ToNullable(const std::optional<T>& value) {
  return value ? NullableInt(static_cast<Poco::Int64>(*value)) : NullableInt();
}

std::vector<std::string> ColumnNames() {
  std::vector<std::string> names = {"id", "name", "user", "host", "state"};
  for (const char* column : kTimeColumns) names.push_back(column);
  for (const char* column :
       {"exit_code", "signal", "wall_ms", "cpu_user_ms", "cpu_sys_ms", "peak_memory_bytes",
        "spec_json", "snapshot_digest", "image_digest", "outputs_digest", "isolation_json",
        "supervisor_pid", "supervisor_start_time", "git_remote", "git_branch", "git_commit",
        "git_dirty", "repro_id", "variation_json"}) {
    names.push_back(column);
  }
  return names;
}

std::string Join(const std::vector<std::string>& parts, bool placeholders) {
  std::string out;
  for (const std::string& part : parts)
    out += (out.empty() ? "" : ", ") + (placeholders ? "?" : part);
  return out;
}

void BindGit(Poco::Data::Statement& s, const std::optional<GitProvenance>& git) {
  s, bind(git ? NullableText(git->remote_url) : NullableText());
  s, bind(git ? NullableText(git->branch) : NullableText());
  s, bind(git ? NullableText(git->commit) : NullableText());
  s, bind(git ? NullableInt(git->dirty ? 1 : 0) : NullableInt());
}

template <typename T>
std::optional<T> OptionalColumn(Poco::Data::RecordSet& rows, const char* name) {
  if (rows.isNull(name)) return std::nullopt;
  return static_cast<T>(rows.value(name).convert<Poco::Int64>());
}

std::string TextColumn(Poco::Data::RecordSet& rows, const char* name) {
  return rows.isNull(name) ? std::string() : rows.value(name).convert<std::string>();
}

std::optional<GitProvenance> ReadGit(Poco::Data::RecordSet& rows) {
  if (rows.isNull("git_commit")) return std::nullopt;
  return GitProvenance{TextColumn(rows, "git_remote"), TextColumn(rows, "git_branch"),
                       TextColumn(rows, "git_commit"),
                       OptionalColumn<int>(rows, "git_dirty").value_or(0) != 0};
}

}  // namespace

const std::string& RunColumns() {
  static const std::string columns = Join(ColumnNames(), false);
  return columns;
}

const std::string& RunPlaceholders() {
  static const std::string placeholders = Join(ColumnNames(), true);
  return placeholders;
}

void BindRun(Poco::Data::Statement& s, const RunRecord& run) {
  s, bind(run.id), bind(run.name), bind(run.user), bind(run.host),
      bind(std::string(RunStateName(run.state)));
  for (const auto& time : run.state_times_ms) s, bind(ToNullable(time));
  s, bind(ToNullable(run.exit_code)), bind(ToNullable(run.signal));
  s, bind(ToNullable(run.usage.wall_ms)), bind(ToNullable(run.usage.cpu_user_ms)),
      bind(ToNullable(run.usage.cpu_sys_ms)), bind(ToNullable(run.usage.peak_memory_bytes));
  s, bind(run.spec_json), bind(run.snapshot_digest), bind(run.image_digest),
      bind(run.outputs_digest), bind(run.isolation_json);
  s, bind(ToNullable(run.supervisor_pid)), bind(ToNullable(run.supervisor_start_time));
  BindGit(s, run.git);
  s, bind(run.repro_id), bind(run.variation_json);
}

RunRecord ReadRun(Poco::Data::RecordSet& rows) {
  RunRecord run;
  run.id = TextColumn(rows, "id");
  run.name = TextColumn(rows, "name");
  run.user = TextColumn(rows, "user");
  run.host = TextColumn(rows, "host");
  run.state = ParseRunState(TextColumn(rows, "state")).value_or(RunState::kLost);
  for (size_t i = 0; i < kRunStateCount; ++i) {
    run.state_times_ms[i] = OptionalColumn<int64_t>(rows, kTimeColumns[i]);
  }
  run.exit_code = OptionalColumn<int>(rows, "exit_code");
  run.signal = OptionalColumn<int>(rows, "signal");
  run.usage = {OptionalColumn<int64_t>(rows, "wall_ms"),
               OptionalColumn<int64_t>(rows, "cpu_user_ms"),
               OptionalColumn<int64_t>(rows, "cpu_sys_ms"),
               OptionalColumn<int64_t>(rows, "peak_memory_bytes")};
  run.spec_json = TextColumn(rows, "spec_json");
  run.snapshot_digest = TextColumn(rows, "snapshot_digest");
  run.image_digest = TextColumn(rows, "image_digest");
  run.outputs_digest = TextColumn(rows, "outputs_digest");
  run.isolation_json = TextColumn(rows, "isolation_json");
  run.supervisor_pid = OptionalColumn<int64_t>(rows, "supervisor_pid");
  run.supervisor_start_time = OptionalColumn<uint64_t>(rows, "supervisor_start_time");
  run.git = ReadGit(rows);
  run.repro_id = TextColumn(rows, "repro_id");
  run.variation_json = TextColumn(rows, "variation_json");
  return run;
}

std::string BindUpdate(Poco::Data::Statement& s, const RunUpdate& u) {
  std::string sets;
  auto set = [&](const char* column, Poco::Data::AbstractBinding::Ptr binding) {
    sets += (sets.empty() ? "" : ", ") + std::string(column) + " = ?";
    s, binding;
  };
  if (u.state) {
    set("state", bind(std::string(RunStateName(*u.state))));
    set(kTimeColumns[static_cast<size_t>(*u.state)],
        bind(static_cast<Poco::Int64>(u.at_ms.value_or(NowMs()))));
  }
  if (u.exit_code) set("exit_code", bind(*u.exit_code));
  if (u.signal) set("signal", bind(*u.signal));
  if (u.usage) {
    set("wall_ms", bind(ToNullable(u.usage->wall_ms)));
    set("cpu_user_ms", bind(ToNullable(u.usage->cpu_user_ms)));
    set("cpu_sys_ms", bind(ToNullable(u.usage->cpu_sys_ms)));
    set("peak_memory_bytes", bind(ToNullable(u.usage->peak_memory_bytes)));
  }
  if (u.snapshot_digest) set("snapshot_digest", bind(*u.snapshot_digest));
  if (u.image_digest) set("image_digest", bind(*u.image_digest));
  if (u.outputs_digest) set("outputs_digest", bind(*u.outputs_digest));
  if (u.isolation_json) set("isolation_json", bind(*u.isolation_json));
  if (u.supervisor_pid) set("supervisor_pid", bind(static_cast<Poco::Int64>(*u.supervisor_pid)));
  if (u.supervisor_start_time) {
    set("supervisor_start_time", bind(static_cast<Poco::Int64>(*u.supervisor_start_time)));
  }
  return sets;
}

}  // namespace snaprun::orchestrator
