// SPDX-License-Identifier: MIT
// Build on save against a real CMake project: the test writes a small project
// (one shared library, `extern "C" int answer()`) into a temporary directory,
// configures it with this tree's generator and compiler, loads the library with
// a QHotLibrary and lets a QHotBuilder rebuild it as its source is saved.
// The scenario runs in order: edit, syntax error, fix, saves during a build.

#include <QHotReload/QHotBuilder>
#include <QHotReload/QHotLibrary>
#if defined(QHOT_TEST_WITH_INDICATOR)
#  include <QHotReload/QHotReloadIndicator>
#  include <QtWidgets/QHBoxLayout>
#  include <QtWidgets/QPlainTextEdit>
#  include <QtWidgets/QPushButton>
#  include <QtWidgets/QVBoxLayout>
#endif

#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QProcess>
#include <QtCore/QSaveFile>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <memory>

using namespace std::chrono_literals;

namespace {

// A build takes seconds on a loaded 2-core machine; these only bound a hang.
constexpr int BuildTimeout = 90000;

const char ProjectCMakeLists[] = R"(cmake_minimum_required(VERSION 3.16)
project(buildonsave CXX)
# The gate holds every build of `answer` while the test keeps it closed (the
# file gate-open missing), so saves can be made during a build for certain.
add_custom_target(gate
    COMMAND "${CMAKE_COMMAND}" "-DGATE=${CMAKE_CURRENT_BINARY_DIR}/gate-open"
            -P "${CMAKE_CURRENT_SOURCE_DIR}/gate.cmake"
    VERBATIM)
add_library(answer SHARED answer.cpp)
add_dependencies(answer gate)
file(GENERATE OUTPUT "${CMAKE_CURRENT_BINARY_DIR}/library-path.txt" CONTENT "$<TARGET_FILE:answer>")
)";

// Bounded, so a build left behind by a crashed test ends by itself.
const char GateScript[] = R"(set(waited 0)
while(NOT EXISTS "${GATE}")
    if(waited GREATER 2400)
        message(FATAL_ERROR "gate.cmake: the gate never opened")
    endif()
    execute_process(COMMAND "${CMAKE_COMMAND}" -E sleep 0.05)
    math(EXPR waited "${waited} + 1")
endwhile()
)";

QByteArray answerSource(int value)
{
    return "// v" + QByteArray::number(value) + "\nextern \"C\" int answer()\n{\n    return "
        + QByteArray::number(value) + ";\n}\n";
}

QByteArray headerSource(const char *function, int value)
{
    return "// v" + QByteArray::number(value) + "\ninline int " + function + "()\n{\n    return "
        + QByteArray::number(value) + ";\n}\n";
}

// A syntax error on line 4: the return lacks its ';'.
const QByteArray BrokenSource = "// broken\nextern \"C\" int answer()\n{\n    return 99\n}\n";

} // namespace

class tst_QHotBuilder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void firstErrorLine_data();
    void firstErrorLine();
    void buildInfoFromCMake();
    void oneLineEnables();
    void offByDefault();
    void cmakeMissing();

    void editBuildsAndReloads();
    void syntaxErrorKeepsOldCode();
    void fixBuildsAndReloads();
    void savesDuringBuildAreCoalesced();
    void staleLibraryIsBuiltAtStart();
    void buildCutShortIsDetected();

    void unlistedHeadersAreWatched_data();
    void unlistedHeadersAreWatched();

private:
    bool run(const QStringList &arguments, QString *output);
    bool configureAndBuild(const QString &sourceDir, const QString &buildDir,
                           const QString &generator, const QString &makeProgram,
                           const QString &target, QString *output);
    QString sourceFile() const { return m_dir.filePath(QStringLiteral("src/answer.cpp")); }
    QString gateFile() const { return m_dir.filePath(QStringLiteral("build/gate-open")); }
    bool saveByRename(const QByteArray &content) { return saveByRename(sourceFile(), content); }
    bool writeInPlace(const QByteArray &content) { return writeInPlace(sourceFile(), content); }
    static bool saveByRename(const QString &path, const QByteArray &content);
    static bool writeInPlace(const QString &path, const QByteArray &content);
    int answer() const;
    QHotBuildInfo buildInfo() const;
    QString markerFile() const { return m_dir.filePath(QStringLiteral("build/.qhotbuilder-answer.building")); }
    static bool setModified(const QString &path, const QDateTime &when);

    QTemporaryDir m_dir;
    std::unique_ptr<QHotLibrary> m_library;
    std::unique_ptr<QHotBuilder> m_builder;
#if defined(QHOT_TEST_WITH_INDICATOR)
    // A window of \a width with an editor and a row of buttons, the overlay
    // on it following the library and the builder.
    std::unique_ptr<QWidget> windowWithOverlay(int width);
    // Grabs \a window to <test dir>/screenshots/indicator-widgets-<what>-<width>.png
    // and checks what its overlay shows: every one of \a shown, whole, inside the window.
    void checkOverlay(QWidget *window, const QString &what, const QStringList &shown);

    std::unique_ptr<QHotReloadIndicator> m_indicator;
    std::unique_ptr<QWidget> m_narrow; // 300 px wide
    std::unique_ptr<QWidget> m_wide;   // 1200 px wide
#endif
};

#if defined(QHOT_TEST_WITH_INDICATOR)
std::unique_ptr<QWidget> tst_QHotBuilder::windowWithOverlay(int width)
{
    auto window = std::make_unique<QWidget>();
    auto *layout = new QVBoxLayout(window.get());
    layout->addWidget(new QPlainTextEdit(QStringLiteral("The application's own widgets"), window.get()));
    auto *buttons = new QHBoxLayout;
    for (const char *name : {"7", "8", "OK"})
        buttons->addWidget(new QPushButton(QString::fromLatin1(name), window.get()));
    layout->addLayout(buttons);
    window->resize(width, 220);
    window->show();
    if (window->width() != width)
        qWarning("the test window is %d px wide, not %d", window->width(), width);
    QHotReloadIndicator *overlay = QHotReloadIndicator::attachOverlay(window.get(), m_library.get());
    overlay->setBuilder(m_builder.get());
    return window;
}

void tst_QHotBuilder::checkOverlay(QWidget *window, const QString &what, const QStringList &shown)
{
    auto *overlay = window->findChild<QHotReloadIndicator *>();
    QVERIFY(overlay);
    QVERIFY(overlay->isVisible());
    QVERIFY(window->width() == 300 || window->width() == 1200);
    const QPixmap shot = window->grab();
    const QString dir = QCoreApplication::applicationDirPath() + QStringLiteral("/screenshots");
    QVERIFY(QDir().mkpath(dir));
    const QString file = QStringLiteral("%1/indicator-widgets-%2-%3.png").arg(dir, what).arg(window->width());
    QVERIFY2(shot.save(file), qPrintable(file));

    // What is painted, at the width it has: nothing cut off, inside the window.
    const QString text = overlay->shownText();
    const QString context = QStringLiteral("%1 (%2 px): shown \"%3\", text \"%4\", %5")
                                    .arg(what).arg(window->width()).arg(text, overlay->text(), file);
    QVERIFY2(window->rect().contains(overlay->geometry()), qPrintable(context));
    QVERIFY2(!text.contains(QChar(0x2026)), qPrintable(context));
    QVERIFY2(text.count(QLatin1Char('\n')) <= 1, qPrintable(context));
    const QString oneLine = QString(text).replace(QLatin1Char('\n'), QLatin1Char(' '));
    for (const QString &part : shown)
        QVERIFY2(oneLine.contains(part), qPrintable(part + QLatin1String(" missing: ") + context));
    // Out of the way: a corner, not a band across the window, and off the window's buttons.
    QVERIFY2(overlay->height() <= window->height() / 3, qPrintable(context));
    const auto buttons = window->findChildren<QPushButton *>();
    QVERIFY(!buttons.isEmpty());
    for (const QPushButton *button : buttons) {
        QVERIFY2(!overlay->geometry().intersects(button->geometry()),
                 qPrintable(button->text() + QLatin1String(" covered: ") + context));
    }
}
#endif

bool tst_QHotBuilder::run(const QStringList &arguments, QString *output)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral(QHOT_TEST_CMAKE), arguments);
    const bool finished = process.waitForFinished(180000);
    *output = QString::fromLocal8Bit(process.readAll());
    return finished && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
}

bool tst_QHotBuilder::configureAndBuild(const QString &sourceDir, const QString &buildDir,
                                        const QString &generator, const QString &makeProgram,
                                        const QString &target, QString *output)
{
    QStringList configure{QStringLiteral("-S"), sourceDir, QStringLiteral("-B"), buildDir,
                          QStringLiteral("-G"), generator,
                          QStringLiteral("-DCMAKE_CXX_COMPILER=" QHOT_TEST_CXX_COMPILER)};
    if (!makeProgram.isEmpty())
        configure << QStringLiteral("-DCMAKE_MAKE_PROGRAM=") + makeProgram;
    return run(configure, output)
        && run({QStringLiteral("--build"), buildDir, QStringLiteral("--target"), target}, output);
}

// How editors save: a new file renamed over the old one (QSaveFile does that).
bool tst_QHotBuilder::saveByRename(const QString &path, const QByteArray &content)
{
    QSaveFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size() && file.commit();
}

// How other editors save: the same inode truncated and written.
bool tst_QHotBuilder::writeInPlace(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        && file.write(content) == content.size();
}

int tst_QHotBuilder::answer() const
{
    using Answer = int (*)();
    const auto fn = reinterpret_cast<Answer>(m_library->resolve("answer"));
    return fn ? fn() : -1;
}

QHotBuildInfo tst_QHotBuilder::buildInfo() const
{
    return QHotBuildInfo{QStringLiteral("answer"), m_dir.filePath(QStringLiteral("build")), QString(),
                         {sourceFile()}, QStringLiteral(QHOT_TEST_CMAKE)};
}

// Whatever the file system's time granularity, a file clearly older or newer.
bool tst_QHotBuilder::setModified(const QString &path, const QDateTime &when)
{
    QFile file(path);
    return file.open(QIODevice::ReadWrite) && file.setFileTime(when, QFileDevice::FileModificationTime);
}

void tst_QHotBuilder::initTestCase()
{
    QVERIFY2(m_dir.isValid(), qPrintable(m_dir.errorString()));
    const QDir root(m_dir.path());
    QVERIFY(root.mkpath(QStringLiteral("src")));
    auto write = [&root](const QString &name, const QByteArray &content) {
        QFile file(root.filePath(name));
        return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
    };
    QVERIFY(write(QStringLiteral("src/CMakeLists.txt"), ProjectCMakeLists));
    QVERIFY(write(QStringLiteral("src/gate.cmake"), GateScript));
    QVERIFY(write(QStringLiteral("src/answer.cpp"), answerSource(1)));

    // The gate is open before the first build: it holds every build of answer.
    QVERIFY(root.mkpath(QStringLiteral("build")));
    QVERIFY(write(QStringLiteral("build/gate-open"), {}));
    QString output;
    QVERIFY2(configureAndBuild(root.filePath(QStringLiteral("src")), root.filePath(QStringLiteral("build")),
                               QStringLiteral(QHOT_TEST_GENERATOR),
                               QStringLiteral(QHOT_TEST_MAKE_PROGRAM), QStringLiteral("answer"),
                               &output),
             qPrintable(output));

    QFile pathFile(root.filePath(QStringLiteral("build/library-path.txt")));
    QVERIFY(pathFile.open(QIODevice::ReadOnly));
    const QString libraryFile = QString::fromUtf8(pathFile.readAll()).trimmed();
    QVERIFY2(QFileInfo::exists(libraryFile), qPrintable(libraryFile));

    m_library = std::make_unique<QHotLibrary>(libraryFile);
    m_library->setRequiredSymbols({QStringLiteral("answer")});
    QVERIFY2(m_library->load(), qPrintable(m_library->errorString()));
    QCOMPARE(answer(), 1);

    m_builder = std::make_unique<QHotBuilder>(buildInfo());
#if defined(QHOT_TEST_WITH_INDICATOR)
    m_indicator = std::make_unique<QHotReloadIndicator>(m_library.get());
    m_indicator->setBuilder(m_builder.get());
    QCOMPARE(m_indicator->builder(), m_builder.get());
#endif
}

void tst_QHotBuilder::cleanupTestCase()
{
    // The builder stops a build still running (a failed test may leave one).
    QFile(gateFile()).open(QIODevice::WriteOnly);
    m_builder.reset();
#if defined(QHOT_TEST_WITH_INDICATOR)
    m_narrow.reset();
    m_wide.reset();
    m_indicator.reset();
#endif
    m_library.reset();
}

void tst_QHotBuilder::firstErrorLine_data()
{
    QTest::addColumn<QString>("output");
    QTest::addColumn<QString>("expected");

    QTest::newRow("gcc via ninja")
            << QStringLiteral("[1/2] Building CXX object CMakeFiles/a.dir/a.cpp.o\n"
                              "FAILED: CMakeFiles/a.dir/a.cpp.o\n"
                              "/usr/bin/c++ -Werror=return-type -c /src/a.cpp\n"
                              "/src/a.cpp: In function 'int f()':\n"
                              "/src/a.cpp:4:14: error: expected ';' before '}' token\n"
                              "/src/a.cpp:9:1: error: second one\n"
                              "ninja: build stopped: subcommand failed.\n")
            << QStringLiteral("/src/a.cpp:4:14: error: expected ';' before '}' token");
    QTest::newRow("coloured")
            << QStringLiteral("\x1b[01m\x1b[K/src/a.cpp:4:14:\x1b[m\x1b[K \x1b[01;31m\x1b[Kerror: "
                              "\x1b[m\x1b[Kexpected ';'\n")
            << QStringLiteral("/src/a.cpp:4:14: error: expected ';'");
    QTest::newRow("fatal error")
            << QStringLiteral("a.cpp:1:10: fatal error: nope.h: No such file or directory\n")
            << QStringLiteral("a.cpp:1:10: fatal error: nope.h: No such file or directory");
    QTest::newRow("linker")
            << QStringLiteral("/usr/bin/ld: a.o: in function `f':\n"
                              "a.cpp:(.text+0x5): undefined reference to `g'\n"
                              "collect2: error: ld returned 1 exit status\n")
            << QStringLiteral("a.cpp:(.text+0x5): undefined reference to `g'");
    QTest::newRow("make only")
            << QStringLiteral("make[2]: *** [CMakeFiles/a.dir/build.make:76: a.o] Error 1\n"
                              "make: *** [Makefile:91: all] Error 2\n")
            << QStringLiteral("make[2]: *** [CMakeFiles/a.dir/build.make:76: a.o] Error 1");
    QTest::newRow("msvc")
            << QStringLiteral("a.cpp(4): error C2143: missing ';' before '}'\r\n")
            << QStringLiteral("a.cpp(4): error C2143: missing ';' before '}'");
    QTest::newRow("no error line: last line")
            << QStringLiteral("something\nit went wrong\n\n") << QStringLiteral("it went wrong");
    QTest::newRow("empty") << QString() << QString();
}

void tst_QHotBuilder::firstErrorLine()
{
    QFETCH(QString, output);
    QFETCH(QString, expected);
    QCOMPARE(QHotBuilder::firstErrorLine(output), expected);
}

// What qhot_link_library() baked into this test for builder_logic.
void tst_QHotBuilder::buildInfoFromCMake()
{
    const QHotBuildInfo info = QHOT_BUILD_INFO(builder_logic);
    QCOMPARE(info.target, QStringLiteral("builder_logic"));
    QCOMPARE(QFileInfo(info.buildDirectory).canonicalFilePath(),
             QFileInfo(QStringLiteral(QHOT_TEST_BUILD_ROOT)).canonicalFilePath());
    QCOMPARE(QFileInfo(info.cmakeCommand).canonicalFilePath(),
             QFileInfo(QStringLiteral(QHOT_TEST_CMAKE)).canonicalFilePath());

    const QDir fixture(QStringLiteral(QHOT_TEST_FIXTURE_DIR));
    const QStringList expected{QDir::cleanPath(fixture.absoluteFilePath(QStringLiteral("logic.cpp"))),
                               QDir::cleanPath(fixture.absoluteFilePath(QStringLiteral("logic.h")))};
    QCOMPARE(info.sources, expected);
    // The generated source exists but lives in the build tree: a build may
    // rewrite it, and it is no one's to edit.
    QVERIFY(QFileInfo::exists(QStringLiteral(QHOT_TEST_GENERATED_SOURCE)));
}

void tst_QHotBuilder::oneLineEnables()
{
    QHotLibrary library(QString::fromUtf8(QHOT_LIBRARY_FILE_builder_logic));
    QHotBuilder *builder = QHOT_BUILD_ON_SAVE(builder_logic, &library);
    QVERIFY(builder);
    QCOMPARE(builder->parent(), &library);
    QVERIFY(builder->isEnabled());
    QCOMPARE(builder->target(), QStringLiteral("builder_logic"));
    QCOMPARE(builder->sources(), QHOT_BUILD_INFO(builder_logic).sources);
    QCOMPARE(builder->state(), QHotBuilder::Idle);
    QCOMPARE(builder->buildCount(), 0);
#if defined(QHOT_TEST_WITH_INDICATOR)
    QHotReloadIndicator indicator(&library);
    QHotBuilder *fed = QHOT_BUILD_ON_SAVE(builder_logic, &library, &indicator);
    QVERIFY(fed);
    QCOMPARE(indicator.builder(), fed);
#endif
}

void tst_QHotBuilder::offByDefault()
{
    QHotBuilder builder;
    QVERIFY(!builder.isEnabled());
    QCOMPARE(builder.state(), QHotBuilder::Idle);
    QVERIFY(!m_builder->isEnabled());
    // A failed start is a value, not a hang: no target given.
    QSignalSpy failed(&builder, &QHotBuilder::buildFailed);
    builder.build();
    QCOMPARE(failed.size(), 1);
    QCOMPARE(builder.state(), QHotBuilder::Failed);
    QVERIFY(builder.firstError().contains(QLatin1String("no target")));
}

void tst_QHotBuilder::cmakeMissing()
{
    QHotBuilder builder(QHotBuildInfo{QStringLiteral("answer"), m_dir.filePath(QStringLiteral("build")),
                                      QString(), {}, m_dir.filePath(QStringLiteral("no-such-cmake"))});
    QSignalSpy failed(&builder, &QHotBuilder::buildFailed);
    QSignalSpy finished(&builder, &QHotBuilder::buildFinished);
    builder.build();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, BuildTimeout);
    QCOMPARE(failed.size(), 1);
    const QString firstError = failed.at(0).at(0).toString();
    QVERIFY2(firstError.contains(QLatin1String("no-such-cmake")), qPrintable(firstError));
    QCOMPARE(builder.state(), QHotBuilder::Failed);
}

void tst_QHotBuilder::editBuildsAndReloads()
{
    QSignalSpy started(m_builder.get(), &QHotBuilder::buildStarted);
    QSignalSpy finished(m_builder.get(), &QHotBuilder::buildFinished);
    QSignalSpy saved(m_builder.get(), &QHotBuilder::sourceSaved);
    QSignalSpy reloaded(m_library.get(), &QHotLibrary::reloaded);
    m_builder->setEnabled(true);
    QVERIFY(m_builder->isEnabled());

    QVERIFY(saveByRename(answerSource(2)));
    QVERIFY(finished.wait(BuildTimeout));
    QCOMPARE(started.size(), 1);
    QCOMPARE(saved.size(), 1);
    QCOMPARE(saved.at(0).at(0).toString(), QFileInfo(sourceFile()).absoluteFilePath());
    QCOMPARE(finished.at(0).at(0).toBool(), true);
    QVERIFY2(m_builder->state() == QHotBuilder::Idle, qPrintable(m_builder->output()));
    QVERIFY(m_builder->firstError().isEmpty());

    QTRY_COMPARE_WITH_TIMEOUT(answer(), 2, BuildTimeout);
    QVERIFY(reloaded.size() >= 1);
    QCOMPARE(m_library->version(), 2);
}

void tst_QHotBuilder::syntaxErrorKeepsOldCode()
{
    QSignalSpy failed(m_builder.get(), &QHotBuilder::buildFailed);
    QSignalSpy finished(m_builder.get(), &QHotBuilder::buildFinished);
    QSignalSpy refused(m_library.get(), &QHotLibrary::reloadFailed);
    const int versionBefore = m_library->version();

#if defined(QHOT_TEST_WITH_INDICATOR)
    m_narrow = windowWithOverlay(300);
    m_wide = windowWithOverlay(1200);
#endif
    QVERIFY(writeInPlace(BrokenSource));
    QVERIFY(failed.wait(BuildTimeout));
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    QCOMPARE(m_builder->state(), QHotBuilder::Failed);

    const QString firstError = failed.at(0).at(0).toString();
#if defined(QHOT_TEST_WITH_INDICATOR)
    // The compiler's line and message, e.g. "…/src/answer.cpp:4:14: error: expected ';' before '}' token".
    const QString errorLine = firstError.section(QLatin1Char(':'), 1, 1);
    const QString errorMessage = firstError.section(QLatin1String("error: "), 1);
    QVERIFY2(!errorLine.isEmpty() && !errorMessage.isEmpty(), qPrintable(firstError));
    const QStringList failure{QStringLiteral("build failed"), QStringLiteral("answer.cpp:") + errorLine, errorMessage};
    QTRY_COMPARE(m_narrow->findChild<QHotReloadIndicator *>()->state(), QHotReloadIndicator::BuildFailed);
    checkOverlay(m_narrow.get(), QStringLiteral("build-failed"), failure);
    checkOverlay(m_wide.get(), QStringLiteral("build-failed"), failure);
#endif
    const QString fullOutput = failed.at(0).at(1).toString();
    QVERIFY2(firstError.contains(QLatin1String("answer.cpp")), qPrintable(firstError));
    QVERIFY2(firstError.contains(QLatin1String("error")), qPrintable(firstError));
    QVERIFY2(!firstError.contains(QLatin1Char('\n')), qPrintable(firstError));
    QVERIFY(fullOutput.contains(firstError));
    QCOMPARE(m_builder->firstError(), firstError);
    QCOMPARE(m_builder->output(), fullOutput);

    // Nothing landed: the old code runs on.
    QCOMPARE(answer(), 2);
    QCOMPARE(m_library->version(), versionBefore);
    QCOMPARE(refused.size(), 0);

#if defined(QHOT_TEST_WITH_INDICATOR)
    QCOMPARE(m_indicator->state(), QHotReloadIndicator::BuildFailed);
    // The file (no directory) and line, then the compiler's message.
    const QString message = firstError.section(QLatin1String("error: "), 1);
    QVERIFY2(m_indicator->text().startsWith(QStringLiteral("build failed · answer.cpp:"))
                     && m_indicator->text().endsWith(message),
             qPrintable(m_indicator->text() + QLatin1String(" / ") + firstError));
    QVERIFY(m_indicator->details().contains(firstError));
#endif
}

void tst_QHotBuilder::fixBuildsAndReloads()
{
    QSignalSpy finished(m_builder.get(), &QHotBuilder::buildFinished);
    QSignalSpy failed(m_builder.get(), &QHotBuilder::buildFailed);

    QVERIFY(saveByRename(answerSource(3)));
    QVERIFY(finished.wait(BuildTimeout));
    QCOMPARE(finished.at(0).at(0).toBool(), true);
    QCOMPARE(failed.size(), 0);
    QVERIFY2(m_builder->state() == QHotBuilder::Idle, qPrintable(m_builder->output()));
    QVERIFY(m_builder->firstError().isEmpty());

    QTRY_COMPARE_WITH_TIMEOUT(answer(), 3, BuildTimeout);
#if defined(QHOT_TEST_WITH_INDICATOR)
    QTRY_COMPARE_WITH_TIMEOUT(m_indicator->state(), QHotReloadIndicator::Reloaded, BuildTimeout);
    // A build led to it: the time from the save, and its parts.
    const QString live = m_indicator->text();
    QVERIFY2(live.startsWith(QStringLiteral("saved → live ")), qPrintable(live));
    QVERIFY(m_indicator->lastSaveToLiveMs() > 0);
    QVERIFY(m_indicator->lastSaveToLiveMs() >= m_indicator->lastReloadMs());
    QVERIFY2(m_indicator->details().contains(QStringLiteral("after the save that started its build")),
             qPrintable(m_indicator->details()));
    for (QWidget *window : {m_narrow.get(), m_wide.get()}) {
        auto *overlay = window->findChild<QHotReloadIndicator *>();
        QTRY_COMPARE_WITH_TIMEOUT(overlay->state(), QHotReloadIndicator::Reloaded, BuildTimeout);
        // Each indicator times the same events itself: the same words, its own milliseconds.
        QVERIFY2(overlay->text().startsWith(QStringLiteral("saved → live ")), qPrintable(overlay->text()));
        const QString figure = overlay->text().section(QLatin1Char('('), 0, 0).trimmed(); // "saved → live 2.8 s"
        checkOverlay(window, QStringLiteral("saved-to-live"), {figure, QStringLiteral("(build "), QStringLiteral("swap ")});
    }
    m_narrow.reset();
    m_wide.reset();
#endif
}

// Saves made while a build runs are one more build, not one each.
void tst_QHotBuilder::savesDuringBuildAreCoalesced()
{
    QSignalSpy started(m_builder.get(), &QHotBuilder::buildStarted);
    QSignalSpy finished(m_builder.get(), &QHotBuilder::buildFinished);
    QSignalSpy saved(m_builder.get(), &QHotBuilder::sourceSaved);
    const int countBefore = m_builder->buildCount();

    QVERIFY(QFile::remove(gateFile())); // builds now wait at the gate
    QVERIFY(writeInPlace(answerSource(4)));
    QVERIFY(started.wait(BuildTimeout));
    QCOMPARE(m_builder->state(), QHotBuilder::Building);
#if defined(QHOT_TEST_WITH_INDICATOR)
    QCOMPARE(m_indicator->state(), QHotReloadIndicator::Building);
#endif

    // Two saves, each seen by the builder while the first build is held.
    QVERIFY(saveByRename(answerSource(5)));
    QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 2, BuildTimeout);
    QVERIFY(m_builder->isBuildPending());
    QVERIFY(writeInPlace(answerSource(6)));
    QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 3, BuildTimeout);
    QVERIFY(m_builder->isBuildPending());
    QCOMPARE(started.size(), 1);
    QCOMPARE(finished.size(), 0);

    QFile gate(gateFile());
    QVERIFY(gate.open(QIODevice::WriteOnly));
    gate.close();

    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 2 * BuildTimeout);
    // Every save was seen before the second build started and none came
    // after, so nothing can start a third.
    QCOMPARE(started.size(), 2);
    QCOMPARE(saved.size(), 3);
    QVERIFY(!m_builder->isBuildPending());
    QCOMPARE(m_builder->buildCount(), countBefore + 2);
    QVERIFY2(finished.at(0).at(0).toBool() && finished.at(1).at(0).toBool(),
             qPrintable(m_builder->output()));
    QCOMPARE(m_builder->state(), QHotBuilder::Idle);
    QTRY_COMPARE_WITH_TIMEOUT(answer(), 6, BuildTimeout);
}

// The source was saved while the application was not running: enabling the
// builder finds the library older than it and builds first.
void tst_QHotBuilder::staleLibraryIsBuiltAtStart()
{
    QTRY_COMPARE_WITH_TIMEOUT(answer(), 6, BuildTimeout);
    m_builder->setEnabled(false);
    m_builder->setLibraryFile(m_library->fileName());
    QVERIFY(saveByRename(answerSource(7)));
    // Saved after the last build; on a file system with coarse times, made so.
    const QDateTime built = QFileInfo(m_library->fileName()).lastModified();
    if (QFileInfo(sourceFile()).lastModified() <= built)
        QVERIFY(setModified(sourceFile(), built.addSecs(1)));

    QSignalSpy outOfDate(m_builder.get(), &QHotBuilder::outOfDate);
    QSignalSpy started(m_builder.get(), &QHotBuilder::buildStarted);
    QSignalSpy finished(m_builder.get(), &QHotBuilder::buildFinished);
#if defined(QHOT_TEST_WITH_INDICATOR)
    QStringList shown;
    const auto record = connect(m_indicator.get(), &QHotReloadIndicator::textChanged, this,
                                [&] { shown << m_indicator->text(); });
#endif
    m_builder->setEnabled(true);
    QVERIFY(outOfDate.wait(BuildTimeout));
    const QString reason = outOfDate.at(0).at(0).toString();
    QVERIFY2(reason.contains(QLatin1String("is older than")) && reason.contains(QLatin1String("answer.cpp")),
             qPrintable(reason));
    QCOMPARE(started.size(), 1); // at once, no save needed
    QVERIFY(finished.wait(BuildTimeout));
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(m_builder->output()));
    QTRY_COMPARE_WITH_TIMEOUT(answer(), 7, BuildTimeout);
#if defined(QHOT_TEST_WITH_INDICATOR)
    QTRY_COMPARE_WITH_TIMEOUT(m_indicator->state(), QHotReloadIndicator::Reloaded, BuildTimeout);
    disconnect(record);
    const QString building = QStringLiteral("out of date · building %1…").arg(QFileInfo(m_library->fileName()).fileName());
    QVERIFY2(shown.contains(building), qPrintable(shown.join(QLatin1String(" | "))));
    // No save started that build: not a save-to-live figure.
    QVERIFY2(m_indicator->text().startsWith(QStringLiteral("built → live ")), qPrintable(m_indicator->text()));
#endif

    // Up to date now: enabling again builds nothing.
    outOfDate.clear();
    m_builder->setEnabled(false);
    m_builder->setEnabled(true);
    QCoreApplication::processEvents(); // the queued check
    QCOMPARE(outOfDate.size(), 0);
    QCOMPARE(m_builder->state(), QHotBuilder::Idle);
}

// The application quits during a build (the builder is destroyed and stops
// it): the next start sees the marker the build left and builds again.
void tst_QHotBuilder::buildCutShortIsDetected()
{
    m_builder->setEnabled(false);
    QVERIFY(QFile::remove(gateFile())); // builds now wait at the gate
    {
        QHotBuilder running(buildInfo());
        running.setLibraryFile(m_library->fileName());
        running.setEnabled(true);
        QSignalSpy started(&running, &QHotBuilder::buildStarted);
        QVERIFY(saveByRename(answerSource(8)));
        QVERIFY(started.wait(BuildTimeout));
        QCOMPARE(running.state(), QHotBuilder::Building);
        QVERIFY(QFile::exists(markerFile()));
    } // quit: the build is stopped where it was
    QVERIFY(QFile::exists(markerFile()));
    QCOMPARE(answer(), 7);
    QFile gate(gateFile());
    QVERIFY(gate.open(QIODevice::WriteOnly));
    gate.close();

    // No library file to compare with: only the marker can tell.
    QHotBuilder next(buildInfo());
    QSignalSpy outOfDate(&next, &QHotBuilder::outOfDate);
    QSignalSpy finished(&next, &QHotBuilder::buildFinished);
    next.setEnabled(true);
    QVERIFY(outOfDate.wait(BuildTimeout));
    const QString reason = outOfDate.at(0).at(0).toString();
    QVERIFY2(reason.contains(QLatin1String("cut short")), qPrintable(reason));
    QVERIFY(finished.wait(BuildTimeout));
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(next.output()));
    QTRY_COMPARE_WITH_TIMEOUT(answer(), 8, BuildTimeout);
    QVERIFY(!QFile::exists(markerFile()));
}

void tst_QHotBuilder::unlistedHeadersAreWatched_data()
{
    QTest::addColumn<QString>("generator");
    QTest::addColumn<QString>("makeProgram");
    const bool ninjaHere = QByteArray(QHOT_TEST_GENERATOR) == "Ninja";
    QTest::newRow("Ninja") << QStringLiteral("Ninja")
                           << (ninjaHere ? QStringLiteral(QHOT_TEST_MAKE_PROGRAM)
                                         : QStandardPaths::findExecutable(QStringLiteral("ninja")));
    QTest::newRow("Unix Makefiles") << QStringLiteral("Unix Makefiles")
                                    << QStandardPaths::findExecutable(QStringLiteral("make"));
}

// A header the target does not list is watched once the build tree records
// that the library includes it: at start, and after a build that includes a
// new one. Saving it builds, and the new code runs.
void tst_QHotBuilder::unlistedHeadersAreWatched()
{
    QFETCH(QString, generator);
    QFETCH(QString, makeProgram);
    if (makeProgram.isEmpty())
        QSKIP("this build tool is not installed");

    QTemporaryDir temporary;
    QVERIFY2(temporary.isValid(), qPrintable(temporary.errorString()));
    // Canonical, as CMake records the source directory.
    const QDir root(QFileInfo(temporary.path()).canonicalFilePath());
    const QDir fixture(QStringLiteral(QHOT_TEST_HEADERS_PROJECT));
    QVERIFY(root.mkpath(QStringLiteral("src/include")));
    for (const char *name : {"CMakeLists.txt", "answer.cpp", "generated.h.in", "include/value.h",
                             "include/extra.h"}) {
        QVERIFY2(QFile::copy(fixture.filePath(QLatin1String(name)),
                             root.filePath(QStringLiteral("src/") + QLatin1String(name))),
                 name);
    }
    const QString sourceDir = root.filePath(QStringLiteral("src"));
    const QString buildDir = root.filePath(QStringLiteral("build"));
    QString output;
    QVERIFY2(configureAndBuild(sourceDir, buildDir, generator, makeProgram, QStringLiteral("answer"),
                               &output),
             qPrintable(output));
    QFile pathFile(root.filePath(QStringLiteral("build/library-path.txt")));
    QVERIFY(pathFile.open(QIODevice::ReadOnly));

    QHotLibrary library(QString::fromUtf8(pathFile.readAll()).trimmed());
    library.setRequiredSymbols({QStringLiteral("answer")});
    QVERIFY2(library.load(), qPrintable(library.errorString()));
    auto answer = [&library] {
        const auto fn = reinterpret_cast<int (*)()>(library.resolve("answer"));
        return fn ? fn() : -1;
    };
    QCOMPARE(answer(), 1);

    // Only the .cpp, as qhot_link_library() bakes in a target listing no header.
    const QString cpp = root.filePath(QStringLiteral("src/answer.cpp"));
    const QString valueHeader = root.filePath(QStringLiteral("src/include/value.h"));
    const QString extraHeader = root.filePath(QStringLiteral("src/include/extra.h"));
    QHotBuilder builder(QHotBuildInfo{QStringLiteral("answer"), buildDir, QString(), {cpp},
                                      QStringLiteral(QHOT_TEST_CMAKE)});
    QSignalSpy finished(&builder, &QHotBuilder::buildFinished);
    QSignalSpy saved(&builder, &QHotBuilder::sourceSaved);
    builder.setEnabled(true);
    // Learned from the first build, before any save: only the project's own
    // header; not <vector>, not generated.h in the build tree.
    QTRY_COMPARE_WITH_TIMEOUT(builder.dependencies(), QStringList{valueHeader}, BuildTimeout);
    QCOMPARE(builder.sources(), QStringList{cpp});

    QVERIFY(saveByRename(valueHeader, headerSource("headerValue", 2)));
    QVERIFY(finished.wait(BuildTimeout));
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(builder.output()));
    QCOMPARE(saved.at(0).at(0).toString(), valueHeader);
    QTRY_COMPARE_WITH_TIMEOUT(answer(), 2, BuildTimeout);

    // The .cpp now includes a second header: learned after that build.
    QVERIFY(writeInPlace(cpp, "#include \"extra.h\"\n#include \"value.h\"\n"
                              "extern \"C\" int answer() { return headerValue() + extraValue(); }\n"));
    QVERIFY(finished.wait(BuildTimeout));
    QVERIFY2(finished.at(1).at(0).toBool(), qPrintable(builder.output()));
    QTRY_COMPARE_WITH_TIMEOUT(answer(), 102, BuildTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(builder.dependencies(), (QStringList{extraHeader, valueHeader}),
                              BuildTimeout);

    QVERIFY(writeInPlace(extraHeader, headerSource("extraValue", 200)));
    QVERIFY(finished.wait(BuildTimeout));
    QVERIFY2(finished.at(2).at(0).toBool(), qPrintable(builder.output()));
    QTRY_COMPARE_WITH_TIMEOUT(answer(), 202, BuildTimeout);
    QCOMPARE(builder.buildCount(), 3);
}

QTEST_MAIN(tst_QHotBuilder)

#include "tst_qhotbuilder.moc"
