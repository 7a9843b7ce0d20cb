// SPDX-License-Identifier: MIT
// The layout check of types a hot function names, with QHOT_DESCRIBE_TYPE
// field lists: versions of the "layout" library (fixtures/layoutlib.h) whose
// layout::Body differs from this build's in a field are refused with the type
// and the field named; the same layout rebuilt is taken. Also: the names in
// messages are the functions' names, without the "::" the macros stringize.

#include "functionstest.h"
#include "layoutlib.h"

#include <QHotReload/QHotLibrary>
#include <QHotReload/QHotModule>

#include <QtCore/QRegularExpression>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace QHotFunctionsTest;

namespace {

const QString V1 = fixture(QHOT_FUNCTIONS_LAYOUT_V1);
const QString V2 = fixture(QHOT_FUNCTIONS_LAYOUT_V2);

//! Every function of layoutlib.h as a hot callable of one module on \a libraryPath.
struct LayoutModule
{
    explicit LayoutModule(const char *libraryPath) : module(libraryPath) {}
    ~LayoutModule() { delete module.library(); } // it would outlive the callables it writes to
    Q_DISABLE_COPY_MOVE(LayoutModule)

    QHotModule module;
    QHotFunction<decltype(::layout::weigh)> weigh{module, "layout::weigh"};
    QHotFunction<decltype(::layout::sum)> sum{module, "layout::sum"};
    QHotFunction<decltype(::layout::version)> version{module, "layout::version"};
};

//! A LayoutModule on a fresh watched file that holds v1, and spies on its library.
struct LayoutSession
{
    LayoutSession()
        : file(V1)
        , m(file.path8())
        , lib(m.module.library())
        , reloaded(lib, &QHotLibrary::reloaded)
        , failed(lib, &QHotLibrary::reloadFailed)
    {
    }
    WatchedLibrary file;
    LayoutModule m;
    QHotLibrary *lib;
    QSignalSpy reloaded;
    QSignalSpy failed;
};

#define START_OR_FAIL(s)                                                                          \
    QVERIFY((s).file.isValid());                                                                  \
    QVERIFY2((s).m.module.load(), qPrintable((s).m.module.errorString()))

//! What weigh() returns in version \a version for body() (see layoutlib.cpp).
int weighed(int version)
{
    return 1 + 10 * 2 + 100 * 3 + 1000 * version;
}

layout::Body body()
{
    return layout::Body{1, 2, 3, 't', QStringLiteral("body")};
}

// Where QHOT_MODULE_SCOPED finds its library: a path fixed at static
// initialization, the file put there by the test.
const QTemporaryDir &macroDir()
{
    static const QTemporaryDir dir;
    return dir;
}
const char *macroLibraryPath()
{
    static const QByteArray path = QFile::encodeName(macroDir().filePath(QStringLiteral("liblayout.so")));
    return path.constData();
}

} // namespace

QHOT_MODULE_SCOPED(hot_layout, macroLibraryPath(), layout, weigh, version);

class tst_HotFunctionsLayout : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void changedLayoutIsRefused_data();
    void changedLayoutIsRefused();
    void describedOnOneSideOnly_data();
    void describedOnOneSideOnly();
    void namesHaveNoLeadingColons();
};

void tst_HotFunctionsLayout::changedLayoutIsRefused_data()
{
    QTest::addColumn<QString>("library");
    QTest::addColumn<QStringList>("mentions");

    const QString body = QStringLiteral("changed the layout of type 'layout::Body' (used by 'layout::weigh'): ");
    const QString sameSize = QStringLiteral("; size %1, alignment %2 in the running application, size %1, alignment %2 "
                                            "in the new library; restart the application")
                                     .arg(sizeof(layout::Body))
                                     .arg(alignof(layout::Body));
    // Same size, so only the field lists can tell.
    QTest::newRow("field added")
            << fixture(QHOT_FUNCTIONS_LAYOUT_FIELD_ADDED)
            << QStringList{body + QStringLiteral("field 'flags' (char at offset 13) was added") + sameSize};
    QTest::newRow("field retyped")
            << fixture(QHOT_FUNCTIONS_LAYOUT_FIELD_RETYPED)
            << QStringList{body + QStringLiteral("field 'mass' changed type from 'int' to 'float'") + sameSize};
    QTest::newRow("fields reordered")
            << fixture(QHOT_FUNCTIONS_LAYOUT_REORDERED)
            << QStringList{body + QStringLiteral("field 'x' moved from offset 0 to 4, field 'y' moved from offset 4 to 0")
                           + sameSize};
    // A new size: the fields still say what changed.
    QTest::newRow("size changed")
            << fixture(QHOT_FUNCTIONS_LAYOUT_GREW)
            << QStringList{body + QStringLiteral("field 'name' moved from offset 16 to 24, field 'extra' (double at "
                                                 "offset 16) was added; size %1, alignment %2 in the running application, "
                                                 "size ")
                                          .arg(sizeof(layout::Body))
                                          .arg(alignof(layout::Body))};
    // Described on one side only: size and alignment are still compared.
    QTest::newRow("size changed, library undescribed")
            << fixture(QHOT_FUNCTIONS_LAYOUT_UNDESCRIBED_GREW)
            << QStringList{body + QStringLiteral("size %1, alignment %2 in the running application, size ")
                                          .arg(sizeof(layout::Body))
                                          .arg(alignof(layout::Body))};
    QTest::newRow("size changed, application undescribed")
            << fixture(QHOT_FUNCTIONS_LAYOUT_LOOSE_GREW)
            << QStringList{QStringLiteral("changed the layout of type 'layout::Loose' (used by 'layout::sum'): size 8, "
                                          "alignment 4 in the running application, size 12, alignment 4 in the new "
                                          "library; restart the application")};
}

void tst_HotFunctionsLayout::changedLayoutIsRefused()
{
    QFETCH(QString, library);
    QFETCH(QStringList, mentions);

    LayoutSession s;
    START_OR_FAIL(s);
    auto &[file, m, lib, reloaded, failed] = s;
    QCOMPARE(m.weigh(body()), weighed(1));

    // The same layout, rebuilt: taken.
    QVERIFY(file.replaceLikeLd(V2));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(m.version(), 2);
    QCOMPARE(m.weigh(body()), weighed(2));
    QCOMPARE(failed.count(), 0);

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^reload refused: ")));
    QVERIFY(file.replaceLikeLd(library));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, Timeout);
    const QString reason = failed.at(0).at(0).toString();
    QVERIFY2(reason.startsWith(file.nativePath() + QLatin1Char(' ')), qPrintable(reason));
    for (const QString &mention : std::as_const(mentions))
        QVERIFY2(reason.contains(mention), qPrintable(QStringLiteral("'%1' not in: %2").arg(mention, reason)));
    QCOMPARE(lib->errorString(), reason);

    // v2 keeps running and answering.
    QCOMPARE(reloaded.count(), 1);
    QCOMPARE(lib->version(), 2);
    QCOMPARE(m.version(), 2);
    QCOMPARE(m.weigh(body()), weighed(2));
    QCOMPARE(m.sum(layout::Loose{4, 5}), 4 + 50 + 2000);

    // The old layout built again is taken after the refusal.
    QVERIFY(file.replaceRenameOver(V1));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 2, Timeout);
    QCOMPARE(m.version(), 1);
    QCOMPARE(m.weigh(body()), weighed(1));
    QCOMPARE(failed.count(), 1);
}

void tst_HotFunctionsLayout::describedOnOneSideOnly_data()
{
    QTest::addColumn<QString>("library");
    QTest::addColumn<int>("version");

    // QHOT_DESCRIBE_TYPE added to (or removed from) the shared header while
    // the application runs: the type is checked as an undescribed one is, by
    // size and alignment, and the same layout is taken (README, "Using it").
    QTest::newRow("described in the application only") << fixture(QHOT_FUNCTIONS_LAYOUT_UNDESCRIBED) << 7;
    QTest::newRow("described in the library only") << fixture(QHOT_FUNCTIONS_LAYOUT_LOOSE_DESCRIBED) << 9;
}

void tst_HotFunctionsLayout::describedOnOneSideOnly()
{
    QFETCH(QString, library);
    QFETCH(int, version);

    LayoutSession s;
    START_OR_FAIL(s);
    auto &[file, m, lib, reloaded, failed] = s;

    QVERIFY(file.replaceLikeLd(library));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(m.version(), version);
    QCOMPARE(m.weigh(body()), weighed(version));
    QCOMPARE(m.sum(layout::Loose{4, 5}), 4 + 50 + 1000 * version);
    QCOMPARE(failed.count(), 0);

    // And from there, back to a version described on both sides.
    QVERIFY(file.replaceLikeLd(V2));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 2, Timeout);
    QCOMPARE(m.version(), 2);
    QCOMPARE(failed.count(), 0);
}

// QHOT_MODULE_SCOPED stringizes "::layout::weigh"; messages and name() say
// "layout::weigh", and the library's manifest still matches it.
void tst_HotFunctionsLayout::namesHaveNoLeadingColons()
{
    QVERIFY(macroDir().isValid());
    const QString path = QFile::decodeName(macroLibraryPath());
    QCOMPARE(hot_layout::weigh.name(), "layout::weigh");
    QCOMPARE(hot_layout::version.name(), "layout::version");

    // A first version the application cannot take: every message names the function plainly.
    QVERIFY(QFile::copy(fixture(QHOT_FUNCTIONS_LAYOUT_FIELD_RETYPED), path));
    QVERIFY(!hot_layout::hotModule().load());
    const QString error = hot_layout::hotModule().errorString();
    QVERIFY2(error.contains(QLatin1String("(used by 'layout::weigh')")), qPrintable(error));
    QVERIFY2(!error.contains(QLatin1String("::layout")), qPrintable(error));
    try {
        hot_layout::weigh(body());
        QFAIL("a call into a refused library returned");
    } catch (const QHotCallError &e) {
        const QString what = QString::fromUtf8(e.what());
        QVERIFY2(what.startsWith(QLatin1String("cannot call 'layout::weigh': ")), e.what());
        QVERIFY2(!what.contains(QLatin1String("::layout")), e.what());
    }

    // The version that can be taken is found by the same names.
    QVERIFY(writeLikeLd(path, readFile(V2)));
    QVERIFY2(hot_layout::hotModule().load(), qPrintable(hot_layout::hotModule().errorString()));
    QCOMPARE(hot_layout::version(), 2);
    QCOMPARE(hot_layout::weigh(body()), weighed(2));
}

QTEST_GUILESS_MAIN(tst_HotFunctionsLayout)

#include "tst_hotfunctions_layout.moc"
