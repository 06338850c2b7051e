#include "orchestrator/snapshot/wildmatch.h"

#include <cctype>
#include <cstring>
#include <string>

namespace snaprun::orchestrator {
namespace {

// kAbortAll: no later start position can match either; kAbortToDoubleStar: a single "*"
// met a '/', only an enclosing "**" may still move on. Both prune; neither changes results.
enum Outcome { kMatch, kNoMatch, kAbortAll, kAbortToDoubleStar };

struct Matcher {
  const unsigned char* pattern_begin;
  bool pathname;

  Outcome Match(const unsigned char* p, const unsigned char* t) const;
  Outcome MatchStar(const unsigned char*& p, const unsigned char*& t, bool& consumed) const;
  // Matches character T against the class at P (just after '['); advances P to its ']'.
  // Returns kMatch/kNoMatch, or kAbortAll for a malformed class.
  static Outcome MatchClass(const unsigned char*& p, unsigned char t);
};

bool NamedClassHas(const std::string& name, unsigned char c, bool& known) {
  known = true;
  if (name == "alnum") return std::isalnum(c);
  if (name == "alpha") return std::isalpha(c);
  if (name == "blank") return c == ' ' || c == '\t';
  if (name == "cntrl") return std::iscntrl(c);
  if (name == "digit") return std::isdigit(c);
  if (name == "graph") return std::isgraph(c);
  if (name == "lower") return std::islower(c);
  if (name == "print") return std::isprint(c);
  if (name == "punct") return std::ispunct(c);
  if (name == "space") return std::isspace(c);
  if (name == "upper") return std::isupper(c);
  if (name == "xdigit") return std::isxdigit(c);
  known = false;
  return false;
}

Outcome Matcher::MatchClass(const unsigned char*& p, unsigned char t) {
  unsigned char c = *++p;
  if (c == '^') c = '!';
  bool negated = c == '!';
  if (negated) c = *++p;
  unsigned char prev = 0;
  bool matched = false;
  // The first member is taken literally even when it is ']'.
  do {
    if (c == 0) return kAbortAll;
    if (c == '\\') {
      c = *++p;
      if (c == 0) return kAbortAll;
      if (t == c) matched = true;
    } else if (c == '-' && prev != 0 && p[1] != 0 && p[1] != ']') {
      c = *++p;
      if (c == '\\') {
        c = *++p;
        if (c == 0) return kAbortAll;
      }
      if (t >= prev && t <= c) matched = true;
      c = 0;  // a range end cannot start another range
    } else if (c == '[' && p[1] == ':') {
      const unsigned char* name_begin = p + 2;
      const unsigned char* q = name_begin;
      while (*q != 0 && *q != ']') ++q;
      if (*q == 0) return kAbortAll;
      if (q - name_begin < 1 || q[-1] != ':') {
        if (t == '[') matched = true;  // no ":]": a plain '['
      } else {
        bool known;
        std::string name(reinterpret_cast<const char*>(name_begin),
                         static_cast<size_t>(q - 1 - name_begin));
        if (NamedClassHas(name, t, known)) matched = true;
        if (!known) return kAbortAll;
        p = q;
        c = 0;
      }
    } else if (t == c) {
      matched = true;
    }
    prev = c;
    c = *++p;
  } while (c != ']');
  return matched != negated ? kMatch : kNoMatch;
}

// P is at the first '*'. Either decides the whole match (returns it, CONSUMED = false) or
// leaves P/T so the main loop continues (CONSUMED = true).
Outcome Matcher::MatchStar(const unsigned char*& p, const unsigned char*& t, bool& consumed) const {
  consumed = false;
  const unsigned char* first = p;
  while (p[1] == '*') ++p;
  const unsigned char* next = p + 1;
  bool match_slash = !pathname;
  if (pathname && p > first) {
    bool starts_component = first == pattern_begin || first[-1] == '/';
    bool ends_component = *next == 0 || *next == '/' || (next[0] == '\\' && next[1] == '/');
    if (starts_component && ends_component) {
      if (*next == '/' && Match(next + 1, t) == kMatch) return kMatch;  // "/**/" as "/"
      match_slash = true;
    }
  }
  if (*next == 0) {
    if (!match_slash && std::strchr(reinterpret_cast<const char*>(t), '/')) return kNoMatch;
    return kMatch;
  }
  if (!match_slash && *next == '/') {
    const char* slash = std::strchr(reinterpret_cast<const char*>(t), '/');
    if (slash == nullptr) return kNoMatch;
    p = next;  // the main loop matches this '/' against the text's '/'
    t = reinterpret_cast<const unsigned char*>(slash);
    consumed = true;
    return kMatch;
  }
  for (; *t != 0; ++t) {
    Outcome rest = Match(next, t);
    if (rest != kNoMatch) {
      if (!match_slash || rest != kAbortToDoubleStar) return rest;
    } else if (!match_slash && *t == '/') {
      return kAbortToDoubleStar;
    }
  }
  return kAbortAll;
}

Outcome Matcher::Match(const unsigned char* p, const unsigned char* t) const {
  for (; *p != 0; ++p, ++t) {
    unsigned char pc = *p;
    unsigned char tc = *t;
    if (tc == 0 && pc != '*') return kAbortAll;
    switch (pc) {
      case '\\':
        pc = *++p;
        if (pc == 0 || tc != pc) return kNoMatch;
        break;
      case '?':
        if (pathname && tc == '/') return kNoMatch;
        break;
      case '*': {
        bool consumed;
        Outcome outcome = MatchStar(p, t, consumed);
        if (!consumed) return outcome;
        break;
      }
      case '[': {
        Outcome outcome = MatchClass(p, tc);
        if (outcome == kAbortAll) return kAbortAll;
        if (outcome == kNoMatch || (pathname && tc == '/')) return kNoMatch;
        break;
      }
      default:
        if (tc != pc) return kNoMatch;
    }
  }
  return *t == 0 ? kMatch : kNoMatch;
}

}  // namespace

bool WildMatch(std::string_view pattern, std::string_view text, WildFlags flags) {
  // The matcher walks NUL-terminated strings, as paths and patterns never hold NUL.
  std::string p(pattern);
  std::string t(text);
  const auto* pb = reinterpret_cast<const unsigned char*>(p.c_str());
  Matcher matcher{pb, flags == WildFlags::kPathname};
  return matcher.Match(pb, reinterpret_cast<const unsigned char*>(t.c_str())) == kMatch;
}

}  // namespace snaprun::orchestrator
