// SPDX-License-Identifier: MIT
// The edit loop as a user lives it (issue 14): one-line edits to the flagship
// example's hot scene.cpp, each saved, built by the real QHotBuilder and
// taken by a QHotLibrary, timed from the save to reloaded(). The same edits
// are made, interleaved in the same run, to a tree configured with
// QHOTRELOAD_FAST_LOOP=OFF (the configuration's own flags and linker: the
// baseline) and, unless --no-wide, to a hot library of 20 translation units
// (scene.cpp and 19 more) with the fast loop, of which scene.cpp is edited.
//
// Each tree is a small CMake project written into a temporary directory: the
// flagship's scene.cpp, scene.h, panel.cpp and panel.h, built with this source
// tree's qhot_add_library (QHotReloadFunctions.cmake) and headers.
//
//   bench_edit_loop [--edits N] [--no-wide] [--fast-args "<-D…> …"] [--keep]
//
// --fast-args adds cache settings to the fast trees (e.g.
// "-DQHOTRELOAD_FAST_LOOP_PCH=OFF" to see what the precompiled header gives).
#include "benchutil.h"

#include <QHotReload/QHotBuilder>
#include <QHotReload/QHotLibrary>

#include <QtCore/QCommandLineParser>
#include <QtCore/QElapsedTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>
#include <QtWidgets/QApplication>

#include <memory>

namespace {

// A build on a loaded 2-core machine takes seconds; this only bounds a hang.
constexpr int RoundTimeoutMs = 300000;

const char ProjectText[] = R"(cmake_minimum_required(VERSION 3.16)
project(editloop CXX)
find_package(Qt6 REQUIRED COMPONENTS Widgets)
# QHotReload's header-only part, as the package would define it.
add_library(QHotReload::Headers INTERFACE IMPORTED)
set_target_properties(QHotReload::Headers PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${QHOT_INCLUDES}"
    INTERFACE_LINK_LIBRARIES Qt6::Core
    INTERFACE_COMPILE_FEATURES cxx_std_17)
include("${QHOT_FUNCTIONS}")
# Written before the configure: no CONFIGURE_DEPENDS, which would re-check
# the glob at every build.
file(GLOB extra "${CMAKE_CURRENT_SOURCE_DIR}/extra_*.cpp")
qhot_add_library(scene SOURCES scene.cpp panel.cpp ${extra})
target_link_libraries(scene PRIVATE Qt6::Widgets)
set_target_properties(scene PROPERTIES AUTOMOC OFF)
qt_wrap_cpp(panel_moc panel.h TARGET scene)
target_sources(scene PRIVATE ${panel_moc})
)";

// One of the 19 more sources of the wide library: Qt widgets and painting,
// about as much to parse as scene.cpp.
QByteArray extraSource(int index)
{
    const QByteArray n = QByteArray::number(index);
    return "#include <QtGui/QPainter>\n#include <QtGui/QPainterPath>\n#include <QtWidgets/QWidget>\n"
           "#include <QtWidgets/QLabel>\n#include <vector>\n\nnamespace extra" + n + " {\n"
           "double weight(const QWidget &widget)\n{\n    QPainterPath path;\n"
           "    path.addRoundedRect(QRectF(widget.rect()), " + n + ", " + n + ");\n"
           "    std::vector<double> sizes{path.boundingRect().width(), path.length()};\n"
           "    QLabel label(QStringLiteral(\"extra " + n + "\"));\n"
           "    return sizes.front() + sizes.back() + label.sizeHint().width();\n}\n}\n";
}

struct Round
{
    double saveToLive = 0;
    double compile = -1;
    double link = -1;
    double reload = 0;
};

// One build tree with its builder and library.
class Tree
{
public:
    Tree(QString name, QString dir)
        : m_name(std::move(name)), m_dir(std::move(dir))
    {
    }

    QString name() const { return m_name; }
    const std::vector<Round> &rounds() const { return m_rounds; }

    bool create(int extraSources, const QStringList &cacheArgs, QString *error)
    {
        const QDir source(QStringLiteral(QHOT_BENCH_SCENE_DIR));
        QDir().mkpath(m_dir);
        for (const char *file : {"scene.cpp", "scene.h", "panel.cpp", "panel.h"}) {
            const QString name = QString::fromLatin1(file);
            if (!bench::writeFile(path(name), bench::readAll(source.filePath(name)))) {
                *error = QStringLiteral("cannot copy %1 into %2").arg(name, m_dir);
                return false;
            }
        }
        for (int i = 1; i <= extraSources; ++i)
            bench::writeFile(path(QStringLiteral("extra_%1.cpp").arg(i)), extraSource(i));
        bench::writeFile(path(QStringLiteral("CMakeLists.txt")), ProjectText);
        m_build = path(QStringLiteral("build"));
        QStringList configure{QStringLiteral("-S"), m_dir, QStringLiteral("-B"), m_build,
                              QStringLiteral("-G"), QStringLiteral("Ninja"),
                              QStringLiteral("-DCMAKE_BUILD_TYPE=RelWithDebInfo"),
                              QStringLiteral("-DCMAKE_MAKE_PROGRAM=" QHOT_BENCH_MAKE_PROGRAM),
                              QStringLiteral("-DCMAKE_CXX_COMPILER=" QHOT_BENCH_CXX_COMPILER),
                              QStringLiteral("-DQt6_DIR=" QHOT_BENCH_QT6_DIR),
                              QStringLiteral("-DQHOT_INCLUDES=" QHOT_BENCH_INCLUDES).replace(QLatin1Char('|'), QLatin1Char(';')),
                              QStringLiteral("-DQHOT_FUNCTIONS=" QHOT_BENCH_FUNCTIONS)};
        configure += cacheArgs;
        return run(configure, error)
            && run({QStringLiteral("--build"), m_build, QStringLiteral("--target"), QStringLiteral("scene")}, error);
    }

    bool start(QString *error)
    {
        m_library = std::make_unique<QHotLibrary>(QDir(m_build).filePath(QStringLiteral("libscene.so")));
        if (!m_library->load()) {
            *error = m_library->errorString();
            return false;
        }
        QHotBuildInfo info{QStringLiteral("scene"), m_build, QString(),
                           {path(QStringLiteral("scene.cpp")), path(QStringLiteral("panel.cpp"))},
                           QStringLiteral(QHOT_BENCH_CMAKE)};
        m_builder = std::make_unique<QHotBuilder>(info);
        QObject::connect(m_library.get(), &QHotLibrary::reloaded, m_library.get(),
                         [this] { m_liveNs = m_clock.nsecsElapsed(); });
        QObject::connect(m_builder.get(), &QHotBuilder::buildStarted, m_builder.get(),
                         [this] { m_buildStartNs = m_clock.nsecsElapsed(); });
        QObject::connect(m_library.get(), &QHotLibrary::aboutToReload, m_library.get(), [this] {
            m_swapStartNs = m_clock.nsecsElapsed();
            m_compileMs = m_builder->compileMsecs();
        });
        m_builder->setEnabled(true);
        return true;
    }

    // One edit of scene.cpp's background line, saved in place; waits until it
    // is live and its build has ended.
    bool edit(int round, QString *error)
    {
        static const QRegularExpression line(QStringLiteral("const QColor background\\([^)]*\\);"));
        QString text = QString::fromUtf8(bench::readAll(path(QStringLiteral("scene.cpp"))));
        const QString colour = QStringLiteral("const QColor background(0x%1, 0x1d, 0x33);")
                                       .arg(0x20 + (round % 200), 2, 16, QLatin1Char('0'));
        if (!text.contains(line)) {
            *error = QStringLiteral("scene.cpp has no background line to edit");
            return false;
        }
        text.replace(line, colour);

        bool live = false;
        bool built = false;
        QString failure;
        QEventLoop loop;
        auto check = [&] {
            if ((live && built) || !failure.isEmpty())
                loop.quit();
        };
        std::vector<QMetaObject::Connection> connections{
            QObject::connect(m_library.get(), &QHotLibrary::reloaded, &loop, [&] {
                live = true;
                check();
            }),
            QObject::connect(m_library.get(), &QHotLibrary::reloadFailed, &loop, [&](const QString &why) {
                failure = QStringLiteral("reload failed: ") + why;
                check();
            }),
            QObject::connect(m_builder.get(), &QHotBuilder::buildFinished, &loop, [&](bool ok) {
                built = true;
                if (!ok)
                    failure = QStringLiteral("build failed: ") + m_builder->firstError();
                check();
            })};
        QTimer::singleShot(RoundTimeoutMs, &loop, [&] { failure = QStringLiteral("no reload within the time limit"); loop.quit(); });

        m_swapStartNs = -1;
        const qint64 savedNs = m_clock.nsecsElapsed();
        if (!bench::writeFile(path(QStringLiteral("scene.cpp")), text.toUtf8())) {
            *error = QStringLiteral("cannot save scene.cpp");
            return false;
        }
        loop.exec();
        for (const auto &connection : connections)
            QObject::disconnect(connection);
        if (!failure.isEmpty()) {
            *error = m_name + QStringLiteral(": ") + failure;
            return false;
        }
        Round r;
        r.saveToLive = double(m_liveNs - savedNs) / 1e6;
        r.reload = double(m_liveNs - m_swapStartNs) / 1e6;
        if (m_compileMs >= 0) {
            r.compile = double(m_compileMs);
            r.link = qMax(0.0, double(m_swapStartNs - m_buildStartNs) / 1e6 - r.compile);
        }
        m_rounds.push_back(r);
        return true;
    }

    void startClock() { m_clock.start(); }

private:
    QString path(const QString &name) const { return QDir(m_dir).filePath(name); }

    bool run(const QStringList &arguments, QString *error)
    {
        QProcess cmake;
        cmake.setProcessChannelMode(QProcess::MergedChannels);
        cmake.start(QStringLiteral(QHOT_BENCH_CMAKE), arguments);
        if (!cmake.waitForFinished(-1) || cmake.exitStatus() != QProcess::NormalExit || cmake.exitCode() != 0) {
            *error = QStringLiteral("%1: cmake %2 failed:\n%3")
                             .arg(m_name, arguments.join(QLatin1Char(' ')), QString::fromLocal8Bit(cmake.readAll()));
            return false;
        }
        return true;
    }

    QString m_name;
    QString m_dir;
    QString m_build;
    std::unique_ptr<QHotLibrary> m_library;
    std::unique_ptr<QHotBuilder> m_builder;
    QElapsedTimer m_clock;
    qint64 m_buildStartNs = -1;
    qint64 m_swapStartNs = -1;
    qint64 m_liveNs = -1;
    int m_compileMs = -1;
    std::vector<Round> m_rounds;
};

std::vector<double> column(const std::vector<Round> &rounds, double Round::*field)
{
    std::vector<double> values;
    for (const Round &r : rounds) {
        if (r.*field >= 0)
            values.push_back(r.*field);
    }
    return values;
}

int fail(const QString &why)
{
    bench::out() << "BENCHMARK FAILED: " << why << Qt::endl;
    return 1;
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? QByteArray("offscreen")
                                                                     : qgetenv("QT_QPA_PLATFORM"));
    QApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption editsOption(QStringLiteral("edits"), QStringLiteral("Edits per tree."),
                                         QStringLiteral("n"), QStringLiteral("10"));
    const QCommandLineOption noWideOption(QStringLiteral("no-wide"),
                                          QStringLiteral("Skip the 20-source library."));
    const QCommandLineOption fastArgsOption(QStringLiteral("fast-args"),
                                            QStringLiteral("Cache settings added to the fast trees."),
                                            QStringLiteral("args"));
    const QCommandLineOption keepOption(QStringLiteral("keep"), QStringLiteral("Keep the trees."));
    parser.addOptions({editsOption, noWideOption, fastArgsOption, keepOption});
    parser.addHelpOption();
    parser.process(app);
    const int edits = qMax(1, parser.value(editsOption).toInt());
    const QStringList fastArgs = parser.value(fastArgsOption).split(QLatin1Char(' '), Qt::SkipEmptyParts);

    QTemporaryDir temp;
    if (!temp.isValid())
        return fail(QStringLiteral("no temporary directory"));
    temp.setAutoRemove(!parser.isSet(keepOption));

    std::vector<std::unique_ptr<Tree>> trees;
    trees.push_back(std::make_unique<Tree>(QStringLiteral("fast"), temp.filePath(QStringLiteral("fast"))));
    trees.push_back(std::make_unique<Tree>(QStringLiteral("baseline"), temp.filePath(QStringLiteral("baseline"))));
    if (!parser.isSet(noWideOption))
        trees.push_back(std::make_unique<Tree>(QStringLiteral("wide"), temp.filePath(QStringLiteral("wide"))));

    QString error;
    for (const auto &tree : trees) {
        bench::out() << "configuring and building the " << tree->name() << " tree" << Qt::endl;
        const bool baseline = tree->name() == QLatin1String("baseline");
        const QStringList args = baseline ? QStringList{QStringLiteral("-DQHOTRELOAD_FAST_LOOP=OFF")} : fastArgs;
        if (!tree->create(tree->name() == QLatin1String("wide") ? 19 : 0, args, &error))
            return fail(error);
        tree->startClock();
        if (!tree->start(&error))
            return fail(error);
    }
    // Interleaved, so a change of the machine's load falls on every tree alike.
    for (int i = 0; i < edits; ++i) {
        for (const auto &tree : trees) {
            if (!tree->edit(i, &error))
                return fail(error);
            const Round &r = tree->rounds().back();
            bench::out() << tree->name() << " edit " << (i + 1) << ": save to live " << bench::fixed(r.saveToLive, 0)
                         << " ms (compile " << bench::fixed(r.compile, 0) << ", link " << bench::fixed(r.link, 0)
                         << ", swap " << bench::fixed(r.reload, 1) << ")" << Qt::endl;
        }
    }

    const auto &fast = trees.at(0)->rounds();
    const double p50 = bench::percentile(column(fast, &Round::saveToLive), 50);
    const double baseline = bench::percentile(column(trees.at(1)->rounds(), &Round::saveToLive), 50);
    if (trees.size() > 2) {
        const double wide = bench::percentile(column(trees.at(2)->rounds(), &Round::saveToLive), 50);
        bench::out() << "RESULT edit_loop_20tu save_to_live_ms_p50=" << bench::fixed(wide, 0)
                     << " vs_one_tu=" << bench::fixed(p50 > 0 ? wide / p50 : 0, 2) << Qt::endl;
    }
    bench::out() << "RESULT edit_loop save_to_live_ms_p50=" << bench::fixed(p50, 0)
                 << " p90=" << bench::fixed(bench::percentile(column(fast, &Round::saveToLive), 90), 0)
                 << " compile_ms=" << bench::fixed(bench::percentile(column(fast, &Round::compile), 50), 0)
                 << " link_ms=" << bench::fixed(bench::percentile(column(fast, &Round::link), 50), 0)
                 << " reload_ms=" << bench::fixed(bench::percentile(column(fast, &Round::reload), 50), 1)
                 << " baseline_ms=" << bench::fixed(baseline, 0)
                 << " ratio=" << bench::fixed(baseline > 0 ? p50 / baseline : 0, 2) << Qt::endl;
    return 0;
}
