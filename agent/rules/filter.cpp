#include "rules/filter.h"

namespace riposte {
namespace {

class And : public Filter {
 public:
  explicit And(std::vector<std::unique_ptr<Filter>> c) : children_(std::move(c)) {}
  bool Eval(EvalContext& ctx) const override {
    for (const auto& c : children_)
      if (!c->Eval(ctx)) return false;
    return true;
  }

 private:
  std::vector<std::unique_ptr<Filter>> children_;
};

class Or : public Filter {
 public:
  explicit Or(std::vector<std::unique_ptr<Filter>> c) : children_(std::move(c)) {}
  bool Eval(EvalContext& ctx) const override {
    for (const auto& c : children_)
      if (c->Eval(ctx)) return true;
    return false;
  }

 private:
  std::vector<std::unique_ptr<Filter>> children_;
};

class Not : public Filter {
 public:
  explicit Not(std::unique_ptr<Filter> c) : child_(std::move(c)) {}
  bool Eval(EvalContext& ctx) const override { return !child_->Eval(ctx); }

 private:
  std::unique_ptr<Filter> child_;
};

class Constant : public Filter {
 public:
  explicit Constant(bool v) : v_(v) {}
  bool Eval(EvalContext&) const override { return v_; }

 private:
  bool v_;
};

}  // namespace

std::unique_ptr<Filter> MakeAnd(std::vector<std::unique_ptr<Filter>> c) { return std::make_unique<And>(std::move(c)); }
std::unique_ptr<Filter> MakeOr(std::vector<std::unique_ptr<Filter>> c) { return std::make_unique<Or>(std::move(c)); }
std::unique_ptr<Filter> MakeNot(std::unique_ptr<Filter> c) { return std::make_unique<Not>(std::move(c)); }
std::unique_ptr<Filter> MakeConstant(bool v) { return std::make_unique<Constant>(v); }

}  // namespace riposte
