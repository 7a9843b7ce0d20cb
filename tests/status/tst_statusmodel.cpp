// SPDX-License-Identifier: MIT
//
// The one status model both indicators present (QHotReloadIndicator,
// HotReloadStatus): its states, words and timings, driven by its inputs with
// a fake clock and fake library facts. The indicators' own tests check that
// they show it.
#include "statusmodel_p.h"
#include "statuswords_p.h"

#include <QtCore/QDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using QHotReload::Detail::SaveToLive;
using QHotReload::Detail::StatusModel;

class tst_StatusModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void idleAndNotLoaded();
    void saveToLive();
    void saveToLiveWithLink();
    void reloadWithoutBuild();
    void buildFailedThenFixed();
    void buildThatChangesNothing();
    void refused();
    void restoreFailureIsTold();
    void outOfDateAtStart();
    void lateReloadIsNotTheBuilds();
    void neverNegative();
    void liveQml();

private:
    StatusModel::LibraryFacts m_facts;
    qint64 m_now = 0;
    std::unique_ptr<StatusModel> m_model;
    static QString path() { return QDir::toNativeSeparators(QStringLiteral("/src/calc/build/liblogic.so")); }
};

void tst_StatusModel::init()
{
    m_facts = {true, true, 1, QStringLiteral("/src/calc/build/liblogic.so"), QString()};
    m_now = 1000;
    m_model = std::make_unique<StatusModel>();
    m_model->setClock([this] { return m_now; });
    m_model->setLibraryFacts([this] { return m_facts; });
}

void tst_StatusModel::idleAndNotLoaded()
{
    StatusModel model;
    QCOMPARE(model.state(), StatusModel::Idle);
    QCOMPARE(model.text(), QStringLiteral("no hot library"));

    m_facts.loaded = false;
    m_facts.errorString = path() + QStringLiteral(" does not exist\nsecond line");
    QSignalSpy states(m_model.get(), &StatusModel::stateChanged);
    m_model->takeLibraryState();
    QCOMPARE(m_model->state(), StatusModel::NotLoaded);
    // The file without its directory, one line; the whole reason on demand.
    QCOMPARE(m_model->text(), QStringLiteral("not loaded: liblogic.so does not exist"));
    QCOMPARE(m_model->details(), m_facts.errorString);
    QCOMPARE(states.size(), 1);
    QVERIFY(!m_model->isOk());

    m_facts.loaded = true;
    m_model->loadedChanged();
    QCOMPARE(m_model->state(), StatusModel::Watching);
    QCOMPARE(m_model->text(), QStringLiteral("watching liblogic.so (v1)"));
    QVERIFY(m_model->isOk());
}

// The figure: what the user waited from the save to the new code.
void tst_StatusModel::saveToLive()
{
    m_model->buildStarted(9); // the save was 9 ms before the build started
    QCOMPARE(m_model->state(), StatusModel::Building);
    QCOMPARE(m_model->text(), QStringLiteral("building liblogic.so…"));
    m_now += 2790; // the linker's output is taken before the build command returns
    m_model->aboutToReload();
    QCOMPARE(m_model->state(), StatusModel::Reloading);
    m_now += 1;
    m_facts.version = 2;
    m_model->reloaded();
    m_model->buildFinished(true, 2795);
    QCOMPARE(m_model->state(), StatusModel::Reloaded);
    QCOMPARE(m_model->text(), QStringLiteral("saved → live in 2.8\u00a0s (build 2.79\u00a0s, swap 1\u00a0ms)"));
    QCOMPARE(m_model->lastSaveToLiveMs(), 2800);
    QCOMPARE(m_model->lastReloadMs(), 1);
    QVERIFY2(m_model->details().startsWith(QStringLiteral("Version 2 of %1 is live 2.8 s after the save").arg(path())),
             qPrintable(m_model->details()));
}

// A builder that told when the compiling ended: the link is told apart, up
// to the library being taken; without it, the build is one figure.
void tst_StatusModel::saveToLiveWithLink()
{
    SaveToLive words;
    words.buildStarted(1000, 12);
    words.aboutToReload(1000 + 430, 400);
    const SaveToLive::Words live = words.reloaded(3, 2, QStringLiteral("liblogic.so"));
    QCOMPARE(live.line, QStringLiteral("saved → live in 444\u00a0ms (build 400\u00a0ms, link 30\u00a0ms, swap 2\u00a0ms)"));
    QCOMPARE(live.saveToLiveMs, 444);
    QVERIFY2(live.details.contains(QStringLiteral("400 ms compiling, 30 ms linking")), qPrintable(live.details));

    // A compile end after the swap's start is not this build's: no link figure.
    words.buildStarted(2000, 5);
    words.aboutToReload(2000 + 300, 310);
    QCOMPARE(words.reloaded(4, 1, QStringLiteral("liblogic.so")).line,
             QStringLiteral("saved → live in 306\u00a0ms (build 300\u00a0ms, swap 1\u00a0ms)"));
}

void tst_StatusModel::reloadWithoutBuild()
{
    m_model->aboutToReload();
    m_now += 4;
    m_facts.version = 3;
    m_model->reloaded();
    QCOMPARE(m_model->text(), QStringLiteral("v3 live · swap 4\u00a0ms"));
    QCOMPARE(m_model->lastSaveToLiveMs(), -1);
    QCOMPARE(m_model->lastReloadMs(), 4);

    // The first good file after a failed load: nothing was swapped.
    m_facts.version = 4;
    m_model->reloaded();
    QCOMPARE(m_model->text(), QStringLiteral("loaded v4"));
}

void tst_StatusModel::buildFailedThenFixed()
{
    const QString first = QStringLiteral("/src/calc/calclogic.cpp:11:22: error: expected ';' before '}' token");
    const QString output = QStringLiteral("[1/2] Building CXX object calclogic.cpp.o\n") + first
            + QStringLiteral("\nninja: build stopped: subcommand failed.");
    m_model->buildStarted(5);
    m_model->buildFailed(first, output);
    m_model->buildFinished(false, 900);
    QCOMPARE(m_model->state(), StatusModel::BuildFailed);
    // Short words first: the file without its directory, the line, the message.
    QCOMPARE(m_model->text(), QStringLiteral("build failed · calclogic.cpp:11: expected ';' before '}' token"));
    QVERIFY(m_model->details().startsWith(output));
    QVERIFY(m_model->details().endsWith(QStringLiteral("The running version (v1) keeps running.")));

    // The fix builds; the failure is over even before the new version lands.
    m_model->buildStarted(3);
    QCOMPARE(m_model->state(), StatusModel::Building);
    m_model->buildFinished(true, 1200);
    QCOMPARE(m_model->state(), StatusModel::Watching);
    m_model->aboutToReload();
    m_now += 2;
    m_model->reloaded();
    QVERIFY2(m_model->text().startsWith(QStringLiteral("saved → live ")), qPrintable(m_model->text()));
}

void tst_StatusModel::buildThatChangesNothing()
{
    m_model->aboutToReload();
    m_model->reloaded();
    const QString shown = m_model->text();
    // A driver that times nothing (QHotReloadIndicator::setBuilding()).
    m_model->setBuilding(true);
    QCOMPARE(m_model->state(), StatusModel::Building);
    m_model->setBuilding(false);
    QCOMPARE(m_model->state(), StatusModel::Reloaded);
    QCOMPARE(m_model->text(), shown);
}

void tst_StatusModel::refused()
{
    const QString reason = path() + QStringLiteral(" changed the signature of 'calc::add'\nmore");
    m_model->aboutToReload(); // refused during the swap
    m_model->reloadFailed(reason);
    QCOMPARE(m_model->state(), StatusModel::Refused);
    QCOMPARE(m_model->text(), QStringLiteral("refused: liblogic.so changed the signature of 'calc::add'"));
    QCOMPARE(m_model->details(), reason + QStringLiteral("\nThe running version (v1) keeps running."));
    QCOMPARE(m_model->lastReloadMs(), -1);
}

void tst_StatusModel::restoreFailureIsTold()
{
    m_model->aboutToReload();
    m_model->stateRestoreFailed(QStringLiteral("field 'x' is gone"));
    m_model->reloaded();
    QVERIFY2(m_model->text().endsWith(QStringLiteral(" (state not restored)")), qPrintable(m_model->text()));
    QVERIFY(m_model->details().endsWith(QStringLiteral("\nfield 'x' is gone")));
    // Told once.
    m_model->aboutToReload();
    m_model->reloaded();
    QVERIFY(!m_model->text().contains(QStringLiteral("state not restored")));
}

// Stale code at start: the builder found the library older than its sources.
void tst_StatusModel::outOfDateAtStart()
{
    m_model->outOfDate(QStringLiteral("liblogic.so is older than /src/calc/calclogic.cpp, which it is built from"));
    m_model->buildStarted(-1); // no save started it
    QCOMPARE(m_model->state(), StatusModel::Building);
    QCOMPARE(m_model->text(), QStringLiteral("out of date · building liblogic.so…"));
    QVERIFY(m_model->details().startsWith(QStringLiteral("liblogic.so is older than")));
    m_now += 1500;
    m_model->buildFinished(true, 1500);
    QCOMPARE(m_model->state(), StatusModel::Watching);
    m_model->aboutToReload();
    m_now += 2;
    m_facts.version = 2;
    m_model->reloaded();
    // Not a save-to-live figure: no save to count from.
    QCOMPARE(m_model->text(), QStringLiteral("built → live in 1.5\u00a0s (build 1.5\u00a0s, swap 2\u00a0ms)"));
    QCOMPARE(m_model->lastSaveToLiveMs(), -1);

    // The next build is an ordinary one.
    m_model->buildStarted(10);
    QCOMPARE(m_model->text(), QStringLiteral("building liblogic.so…"));
}

// A reload long after a build that changed nothing is someone else's.
void tst_StatusModel::lateReloadIsNotTheBuilds()
{
    m_model->buildStarted(10);
    m_now += 500;
    m_model->buildFinished(true, 500);
    m_now += 60000;
    m_model->aboutToReload();
    m_now += 3;
    m_model->reloaded();
    QCOMPARE(m_model->text(), QStringLiteral("v1 live · swap 3\u00a0ms"));
}

// The build command's own time can end after the swap: no part is negative.
void tst_StatusModel::neverNegative()
{
    m_model->buildStarted(0);
    m_now += 100;
    m_model->buildFinished(true, 7548);
    m_model->aboutToReload();
    m_model->reloaded();
    QVERIFY2(!m_model->text().contains(QLatin1Char('-')), qPrintable(m_model->text()));
    QVERIFY2(!m_model->details().contains(QStringLiteral(" -")), qPrintable(m_model->details()));
    QCOMPARE(m_model->lastSaveToLiveMs(), 100);
}

void tst_StatusModel::liveQml()
{
    // A .qml save goes through the same status as the library's reloads.
    const QString file = QDir::toNativeSeparators(QStringLiteral("/src/app/Badge.qml"));
    m_model->qmlReloaded(file, 4);
    QCOMPARE(m_model->state(), StatusModel::Reloaded);
    QVERIFY(m_model->isOk());
    QCOMPARE(m_model->text(), QStringLiteral("Badge.qml live · 4\u00a0ms"));
    QCOMPARE(m_model->lastReloadMs(), 4);
    const QString message = file + QStringLiteral(":12: Expected token `}'");
    m_model->qmlReloadFailed(file, message);
    QCOMPARE(m_model->state(), StatusModel::Refused);
    QCOMPARE(m_model->text(), QStringLiteral("refused: Badge.qml:12: Expected token `}'"));
    QVERIFY(m_model->details().startsWith(message));
    // The library's next reload is told after it.
    m_model->aboutToReload();
    m_model->reloaded();
    QCOMPARE(m_model->state(), StatusModel::Reloaded);
    QVERIFY(m_model->text().startsWith(QStringLiteral("v1 live")));
}

QTEST_GUILESS_MAIN(tst_StatusModel)
#include "tst_statusmodel.moc"
