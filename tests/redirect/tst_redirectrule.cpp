// SPDX-License-Identifier: MIT
// Which functions may be redirected, from their mangled names alone
// (src/core/redirectrule.cpp), and the ELF symbol table they come from
// (src/core/elfsymbols.cpp): compiled into the test, no library loaded.

#include "elfsymbols_p.h"
#include "redirect_p.h"

#include <QtCore/QFile>
#include <QtTest/QTest>

#include <algorithm>

using namespace QHotReload::Internal;

namespace {

QByteArray readAll(const char *path)
{
    QFile file(QString::fromLocal8Bit(path));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

std::vector<QByteArray> namesOf(const ElfFunctions &symbols)
{
    std::vector<QByteArray> names;
    for (const ElfFunction &function : symbols.functions)
        names.push_back(function.name);
    return names;
}

} // namespace

class tst_RedirectRule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rule_data();
    void rule();
    void namespacesAreProvenByUnnamedOnes();
    void fixtureFunctions();
    void strippedHasNoTable();
    void cutBytesAreNeverReadPast();
};

void tst_RedirectRule::rule_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<bool>("plain");
    QTest::addColumn<bool>("expected");

    const auto row = [](const char *what, const char *name, bool plain, bool expected) {
        QTest::newRow(what) << QByteArray(name) << plain << expected;
    };
    row("global, no parameters", "_Z6answerv", false, true);
    row("static at global scope", "_ZL4tickv", false, true);
    row("unnamed namespace", "_ZN12_GLOBAL__N_14tickEv", false, true);
    row("message handler", "_ZN15hostile_handler12_GLOBAL__N_16handleE9QtMsgTypeRK18QMessageLogContextRK7QString",
        false, true);
    row("substitution of a Qt type", "_Z1fRK7QStringS1_", false, true);
    row("builtins", "_Z1fibdlPKc", false, true);
    row("function pointer", "_Z1fPFviE", false, true);
    row("function pointer taking nothing", "_Z1fPFivE", false, true);
    row("Qt container of a Qt type", "_Z1fRK5QListI7QStringE", false, true);
    row("QObject pointer", "_Z1fP7QObject", false, true);
    row("manifest function in a namespace", "_ZN16redirect_fixture6answerEv", true, true);
    row("namespace not proven", "_ZN16redirect_fixture6answerEv", false, false);
    row("non-const member", "_ZN16redirect_fixture7Counter3getEv", false, false);
    row("const member", "_ZNK16redirect_fixture7Counter5valueEv", true, false);
    row("lambda body", "_ZZN16redirect_fixture10makeLambdaEvENKUlvE_clEv", false, false);
    row("constructor", "_ZN16redirect_fixture7CounterC2Ev", true, false);
    row("void pointer", "_Z1fPv", false, false);
    row("library type", "_Z1fP7Counter", false, false);
    row("library type by reference", "_Z1fR5Point", false, false);
    row("std::string", "_Z1fRKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE", false, false);
    row("std::function", "_Z1fSt8functionIFivEE", false, false);
    row("function template", "_Z3maxIiET_S0_S0_", false, false);
    row("container of a library type", "_Z1fRK5QListI5PointE", false, false);
    row("function pointer taking a library type", "_Z1fPFvP5PointE", false, false);
    row("clone", "_Z1fi.constprop.0", false, false);
    row("operator", "_ZplRK7QStringS1_", false, false);
    row("extern C", "qhotreload_manifest_v1", false, false);
    row("substitution of nothing", "_Z1fS_", false, false);
    row("varargs", "_Z1fiz", false, false);
    row("length past the end", "_Z99f", false, false);
    row("truncated", "_Z1", false, false);
}

void tst_RedirectRule::rule()
{
    QFETCH(QByteArray, name);
    QFETCH(bool, plain);
    QFETCH(bool, expected);
    const QSet<QByteArray> namespaces = {"hostile_handler", "hostile_handler::_GLOBAL__N_1", "_GLOBAL__N_1",
                                         "redirect_fixture::_GLOBAL__N_1"};
    QCOMPARE(mayRedirect(name, namespaces, plain), expected);
}

void tst_RedirectRule::namespacesAreProvenByUnnamedOnes()
{
    const QSet<QByteArray> proven = provenNamespaces(
            {"_ZN1a1b12_GLOBAL__N_11c1fEv", "_ZN5Class3getEv", "_ZN2ns12_GLOBAL__N_1L1gEi", "_ZN3bad"});
    const QSet<QByteArray> expected = {"a", "a::b", "a::b::_GLOBAL__N_1", "ns", "ns::_GLOBAL__N_1"};
    QCOMPARE(proven, expected);
}

// What g++ really emits for the fixture: the rule lets its free functions
// through and keeps its member functions and lambdas out.
void tst_RedirectRule::fixtureFunctions()
{
    const QByteArray bytes = readAll(QHOT_FIXTURE_REDIRECT_V1);
    QVERIFY(!bytes.isEmpty());
    const ElfFunctions symbols = functionSymbols(bytes);
    QCOMPARE(symbols.status, ElfFunctions::Read);
    const std::vector<QByteArray> names = namesOf(symbols);
    const QSet<QByteArray> namespaces = provenNamespaces(names);
    QVERIFY(namespaces.contains("redirect_fixture"));
    const auto find = [&](const QByteArray &name) {
        return std::find(names.begin(), names.end(), name) != names.end();
    };
    const QByteArray tick = "_ZN16redirect_fixture12_GLOBAL__N_14tickEv";
    const QByteArray get = "_ZN16redirect_fixture7Counter3getEv";
    QVERIFY(find(tick));
    QVERIFY(find(get));
    QVERIFY(mayRedirect(tick, namespaces, false));
    QVERIFY(!mayRedirect(get, namespaces, false));
    for (const ElfFunction &function : symbols.functions) {
        if (function.name.contains("UlvE")) // a lambda's members
            QVERIFY2(!mayRedirect(function.name, namespaces, true), function.name.constData());
        if (function.name == tick)
            QVERIFY(function.local);
    }
}

void tst_RedirectRule::strippedHasNoTable()
{
    const QByteArray bytes = readAll(QHOT_FIXTURE_REDIRECT_V2_STRIPPED);
    QVERIFY(!bytes.isEmpty());
    const ElfFunctions symbols = functionSymbols(bytes);
    QCOMPARE(symbols.status, ElfFunctions::Stripped);
    QVERIFY(symbols.functions.empty());
    QCOMPARE(functionSymbols(QByteArrayView("not a library at all, but long enough to be read as one if "
                                            "nothing looked at its first bytes"))
                     .status,
             ElfFunctions::Unsupported);
}

// The bytes may be cut anywhere (or forged): never a read past their end
// (the sanitizer builds say so), and never a symbol from beyond the cut.
void tst_RedirectRule::cutBytesAreNeverReadPast()
{
    const QByteArray bytes = readAll(QHOT_FIXTURE_REDIRECT_V1);
    QVERIFY(bytes.size() > 4096);
    const size_t whole = functionSymbols(bytes).functions.size();
    for (qsizetype cut = 0; cut < bytes.size(); cut += 97) {
        const QByteArray part = bytes.left(cut); // its own buffer: a read past it is caught
        const ElfFunctions symbols = functionSymbols(part);
        QVERIFY(symbols.functions.size() <= whole);
    }
}

QTEST_GUILESS_MAIN(tst_RedirectRule)
#include "tst_redirectrule.moc"
