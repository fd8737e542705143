// Text and its forms (sim/log/text.hpp) and Decision (sim/log/decision.hpp): a form (a format and the
// kinds of its arguments) has one id however often and from however many threads it is used, two forms
// never share one, a full id space fails loudly, and a text or a decision gives back what it was made
// with.
#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "sim/log/decision.hpp"
#include "sim/log/text.hpp"

using namespace drsim;
using K = TextArg::Kind;
using Kinds = std::array<TextArg::Kind, 3>;

namespace {

// Names an entity by its kind and id: "vm#3", "entity#7".
class NumberedNames : public TextNames {
public:
    void append_name(std::string& out, TextArg a) const override {
        out += (a.kind == K::vm ? "vm#" : "entity#") + std::to_string(a.value);
    }
};

std::string rendered(const Text& text, const TextTable& table) {
    std::string out;
    render_text(out, text, table, NumberedNames{});
    return out;
}

}  // namespace

TEST_CASE("a form has one id: the same format and kinds give the same id, any other form another") {
    static const char format[] = "{} moved to {}";
    static const char same_words[] = "{} moved to {}";  // another literal: forms compare formats by address
    const Kinds two_vms{K::vm, K::vm, K::none};
    const std::uint16_t id = TextForms::id(format, two_vms);
    CHECK(id != 0);
    CHECK(TextForms::id(format, two_vms) == id);
    CHECK(TextForms::id(format, {K::vm, K::subnet, K::none}) != id);
    CHECK(TextForms::id(format, {}) != id);
    CHECK(TextForms::id(same_words, two_vms) != id);
    CHECK(TextForms::id(nullptr, {}) == 0);
    CHECK(TextForms::at(id).format == format);
    CHECK(TextForms::at(id).kinds == two_vms);
    // A Text made of that form holds that id: the same text again is the same form.
    const Text a{format, arg::vm(1), arg::vm(2)};
    const Text b{format, arg::vm(5), arg::vm(6)};
    CHECK(a.format() == b.format());
    CHECK(TextForms::id(a.format(), two_vms) == id);
}

TEST_CASE("threads registering the same new forms at once get one id per form") {
    // Forms no other test uses, registered by four threads at once in the same order, so that they ask
    // for each new form together: a form registered twice would have two ids.
    constexpr std::size_t kForms = 2000;
    static const char formats[kForms] = {};  // one format per address; what they say does not matter here
    const Kinds kinds{K::count, K::none, K::none};
    std::vector<std::vector<std::uint16_t>> ids(4, std::vector<std::uint16_t>(kForms));
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < ids.size(); ++t)
        threads.emplace_back([&, t] {
            ready.fetch_add(1);
            while (ready.load() < static_cast<int>(ids.size())) std::this_thread::yield();
            for (std::size_t i = 0; i < kForms; ++i) ids[t][i] = TextForms::id(&formats[i], kinds);
        });
    for (auto& thread : threads) thread.join();
    for (std::size_t t = 1; t < ids.size(); ++t) CHECK(ids[t] == ids[0]);
    const std::set<std::uint16_t> distinct(ids[0].begin(), ids[0].end());
    CHECK(distinct.size() == kForms);
    CHECK(distinct.count(0) == 0);
    for (std::size_t i = 0; i < kForms; ++i) {
        CHECK(TextForms::id(&formats[i], kinds) == ids[0][i]);
        CHECK(TextForms::at(ids[0][i]).format == &formats[i]);
    }
}

TEST_CASE("a text gives back its format and arguments, and renders them") {
    CHECK(sizeof(Text) == 16);
    TextTable table;
    const Text t{"{} holds {} at {}", arg::vm(3), arg::count(42), arg::text("eu-west", table)};
    CHECK_FALSE(t.empty());
    CHECK(std::string{t.format()} == "{} holds {} at {}");
    REQUIRE(t.arg_count() == 3);
    CHECK(t.arg(0).kind == K::vm);
    CHECK(t.arg(0).value == 3);
    CHECK(t.arg(1).kind == K::count);
    CHECK(t.arg(1).value == 42);
    CHECK(t.arg(2).kind == K::text);
    CHECK(rendered(t, table) == "vm#3 holds 42 at eu-west");

    const Text one{"{} is up", arg::subnet(0xffffffffU)};
    CHECK(one.arg_count() == 1);
    CHECK(one.arg(0).value == 0xffffffffU);
    CHECK(rendered(one, table) == "entity#4294967295 is up");

    const Text fixed{"nothing to render"};
    CHECK(fixed.arg_count() == 0);
    CHECK(rendered(fixed, table) == "nothing to render");
    CHECK(Text{}.empty());
    CHECK(Text{""}.empty());
    CHECK(Text{}.format() == nullptr);
    CHECK(rendered(Text{}, table).empty());
}

TEST_CASE("a text renders as a search for each \"{}\" in turn would: holes at either end, side by side, missing or extra") {
    // The reference: the format searched from the left for each argument's "{}"; what is left (extra
    // holes included) copied as it is. Forms find their holes once, when registered.
    const auto reference = [](std::string_view format, const std::vector<std::string>& args) {
        std::string out;
        for (const std::string& a : args) {
            const std::size_t at = format.find("{}");
            if (at == std::string_view::npos) break;
            out.append(format.substr(0, at)).append(a);
            format.remove_prefix(at + 2);
        }
        return out.append(format);
    };
    static const char f0[] = "{}", f1[] = "{}{}{}", f2[] = "a{}b{}c{}d", f3[] = "no hole", f4[] = "{} and {}",
                      f5[] = "{{}}", f6[] = "{ } {}", f7[] = "";
    TextTable table;
    const TextArg x = arg::vm(1), y = arg::count(22), z = arg::text("zed", table);
    const std::vector<std::string> xs{"vm#1", "22", "zed"};
    for (const char* f : {f0, f1, f2, f3, f4, f5, f6, f7}) {
        CAPTURE(f);
        CHECK(rendered(Text{f, x}, table) == reference(f, {xs[0]}));
        CHECK(rendered(Text{f, x, y}, table) == reference(f, {xs[0], xs[1]}));
        CHECK(rendered(Text{f, x, y, z}, table) == reference(f, xs));
        CHECK(rendered(Text{f}, table) == f);
    }
}

TEST_CASE("a decision gives back its rule, warning flag, format and arguments") {
    CHECK(sizeof(Decision) == 16);
    TextTable table;
    const Decision d{Rule::AddrSubnetFull, {"{} is full at {}", arg::subnet_path(7), arg::address(Ipv4Address{0xffffffffU})}, true};
    CHECK(d.rule == Rule::AddrSubnetFull);
    const bool warned = d.warning;
    CHECK(warned);
    const Text detail = d.detail();
    CHECK(std::string{detail.format()} == "{} is full at {}");
    REQUIRE(detail.arg_count() == 2);
    CHECK(detail.arg(0).kind == K::subnet_path);
    CHECK(detail.arg(0).value == 7);
    CHECK(detail.arg(1).kind == K::address);
    CHECK(detail.arg(1).value == 0xffffffffU);

    // The same text under another rule and no warning: the text is the same, the rule and flag its own.
    const Decision other{Rule::MapCreate, d.detail()};
    CHECK(other.rule == Rule::MapCreate);
    CHECK_FALSE(bool{other.warning});
    CHECK(other.detail().format() == detail.format());
    CHECK(other.detail().arg(1).value == 0xffffffffU);
    CHECK(Decision{}.detail().empty());
    CHECK_FALSE(bool{Decision{}.warning});

    // Every rule, with and without the flag.
    for (const RuleInfo& info : all_rules())
        for (bool w : {false, true}) {
            const Decision x{info.rule, "x", w};
            CHECK(x.rule == info.rule);
            CHECK(bool{x.warning} == w);
            CHECK(std::string{x.detail().format()} == "x");
        }
}

// Last: it fills the process's id space, after which no new form can be made.
TEST_CASE("the id space of forms fails loudly when full, and the forms made keep working") {
    static const char formats[TextForms::kCapacity] = {};
    std::size_t made = 0;
    Text last;
    CHECK_THROWS_AS(
        [&] {
            for (; made < TextForms::kCapacity; ++made) last = Text{&formats[made]};
        }(),
        std::logic_error);
    REQUIRE(made > 0);
    REQUIRE(made < TextForms::kCapacity);
    // The last form made has the largest id; a decision holds it whole.
    CHECK(last.format() == &formats[made - 1]);
    const Decision d{Rule::AddrNotHeld, last, true};
    CHECK(d.detail().format() == &formats[made - 1]);
    CHECK(d.rule == Rule::AddrNotHeld);
    // Forms made before are still found, full or not.
    CHECK(Text{&formats[0]}.format() == &formats[0]);
    CHECK_THROWS_AS(Text{&formats[made]}, std::logic_error);
}
