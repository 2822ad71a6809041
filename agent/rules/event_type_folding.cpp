#include "rules/event_type_folding.h"

#include <algorithm>

namespace riposte {
namespace {

std::optional<bool> DecideTypeCheck(const CondNode& check, std::string_view type) {
  if (check.field.name != "evt.type" || check.field.has_arg || !check.field.transformers.empty())
    return std::nullopt;
  if (check.operands.empty()) return std::nullopt;
  if (std::any_of(check.operands.begin(), check.operands.end(), [](const Operand& o) { return o.is_field; }))
    return std::nullopt;
  const bool any_equal = std::any_of(check.operands.begin(), check.operands.end(),
                                     [&](const Operand& o) { return o.text == type; });
  if (check.op == "in") return any_equal;
  if (check.op == "=" && check.operands.size() == 1) return any_equal;
  if (check.op == "!=" && check.operands.size() == 1) return !any_equal;
  return std::nullopt;
}

}  // namespace

FoldedCondition FoldEventType(const CondNode& node, std::string_view event_type) {
  FoldedCondition out;
  switch (node.kind) {
    case CondNode::Kind::kCheck:
      out.constant = DecideTypeCheck(node, event_type);
      if (!out.constant) out.node = node.Clone();
      return out;
    case CondNode::Kind::kNot: {
      FoldedCondition child = FoldEventType(*node.children[0], event_type);
      if (child.constant) {
        out.constant = !*child.constant;
        return out;
      }
      out.node = std::make_unique<CondNode>();
      out.node->kind = CondNode::Kind::kNot;
      out.node->offset = node.offset;
      out.node->children.push_back(std::move(child.node));
      return out;
    }
    case CondNode::Kind::kAnd:
    case CondNode::Kind::kOr: {
      // `and`: a false child decides it, true children drop out; `or` the other way round.
      const bool deciding = node.kind == CondNode::Kind::kOr;
      std::vector<std::unique_ptr<CondNode>> kept;
      for (const auto& c : node.children) {
        FoldedCondition child = FoldEventType(*c, event_type);
        if (child.constant) {
          if (*child.constant == deciding) {
            out.constant = deciding;
            return out;
          }
          continue;
        }
        kept.push_back(std::move(child.node));
      }
      if (kept.empty()) {
        out.constant = !deciding;
      } else if (kept.size() == 1) {
        out.node = std::move(kept[0]);
      } else {
        out.node = std::make_unique<CondNode>();
        out.node->kind = node.kind;
        out.node->offset = node.offset;
        out.node->children = std::move(kept);
      }
      return out;
    }
    case CondNode::Kind::kMacro:
      break;  // expanded before folding; left as it is
  }
  out.node = node.Clone();
  return out;
}

}  // namespace riposte
