// SPDX-License-Identifier: MIT
#include "demo.h"

#include "hotscene.h"
#include "livedemo.h"
#include "reloadwatch.h"
#include "sceneview.h"
#include "window.h"

#include <QHotReload/QHotBuilder>
#include <QHotReload/QHotForm>
#include <QHotReload/QHotReloadIndicator>
#include <QHotReload/QHotWidget>

#include <QtCore/QDateTime>
#include <QtCore/QFileInfo>
#include <QtCore/QPointer>
#include <QtCore/QTextStream>
#include <QtWidgets/QAbstractButton>
#include <QtWidgets/QApplication>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>

#include <algorithm>
#include <cmath>

#if QHOTRELOAD_ENABLED
namespace {

// What the demo types into the app before the reloads, and must find after them.
const double PanelSpeed = 2.5;
const int PanelCount = 20;
const QColor PanelColor(0xff, 0xb7, 0x4d);
const QString TypedTitle = QStringLiteral("Typed before the reloads");

// The line of scene.cpp that sets the background, for a colour.
QString backgroundLine(const QColor &colour)
{
    auto hex = [](int value) { return QStringLiteral("0x%1").arg(value, 2, 16, QLatin1Char('0')); };
    return QStringLiteral("const QColor background(%1, %2, %3);")
            .arg(hex(colour.red()), hex(colour.green()), hex(colour.blue()));
}

const QColor OriginalBackground(0x1d, 0x23, 0x33);
// The colours the edits switch to; the benchmark alternates between them.
const QColor EditedBackground[2] = { QColor(0x3b, 0x1d, 0x33), QColor(0x1d, 0x3b, 0x2a) };

const QString OriginalGravity = QStringLiteral("constexpr double Gravity = 0.0;");
const QString EditedGravity = QStringLiteral("constexpr double Gravity = 900.0;");

QString describe(const QColor &colour)
{
    return colour.name();
}

// The scene as the window shows it, rendered offscreen (QWidget::grab() runs
// paintEvent(), i.e. the loaded paint()); the top-right pixel is background.
QColor backgroundPixel(SceneView *view)
{
    const QImage image = view->grab().toImage();
    return image.pixelColor(image.width() - 1, 0);
}

bool sameColour(const QColor &a, const QColor &b)
{
    // The gradient starts at the colour; allow for its first row's blend.
    return std::abs(a.red() - b.red()) <= 3 && std::abs(a.green() - b.green()) <= 3
            && std::abs(a.blue() - b.blue()) <= 3;
}

// update()'s effect on a probe: one ball at rest, 0.1 s. Its vertical speed
// afterwards is Gravity × 0.1.
double probeFall()
{
    scene::SceneState probe;
    probe.size = QSizeF(400, 400);
    probe.count = 1;
    probe.speed = 1.0;
    probe.balls.push_back(scene::Ball{ 200, 200, 0, 0 });
    hot_scene::update(probe, 0.1);
    return probe.balls.front().vy;
}

bool sameBalls(const std::vector<scene::Ball> &a, const std::vector<scene::Ball> &b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const scene::Ball &x, const scene::Ball &y) {
        return x.x == y.x && x.y == y.y && x.vx == y.vx && x.vy == y.vy;
    });
}

qint64 median(QList<qint64> values)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// The demo's builds go through QHotBuilder (what build-on-save runs, here
// started by hand right after each save): `ninja -C <build> widgets_scene` in a
// Ninja tree, else `cmake --build <build> --target
// widgets_scene`; the indicator is told about each build.
class DemoBuilder
{
public:
    struct Run
    {
        bool succeeded = false;
        qint64 startedAt = 0; // LiveDemo::elapsed()
        int msecs = 0;        // the build's wall time, as QHotBuilder measured it
        QString firstError;
        QString output;
    };

    explicit DemoBuilder(LiveDemo &demo) : m_demo(demo), m_builder(QHOT_BUILD_INFO(widgets_scene))
    {
        // Not enabled: it watches nothing and builds only when asked, so each
        // timing starts at a known save.
        QObject::connect(&m_builder, &QHotBuilder::buildStarted, &m_builder,
                         [this] { m_last.startedAt = m_demo.elapsed(); });
        QObject::connect(&m_builder, &QHotBuilder::buildFinished, &m_builder, [this](bool ok, int msecs) {
            m_last.succeeded = ok;
            m_last.msecs = msecs;
            m_last.firstError = m_builder.firstError();
            m_last.output = m_builder.output();
            ++m_finished;
        });
    }

    QHotBuilder &builder() { return m_builder; }

    Run run()
    {
        m_demo.say(QStringLiteral("   $ %1   (QHotBuilder::build())").arg(m_demo.liveBuild().commandLine()));
        const int finishedBefore = m_finished;
        m_last = Run();
        m_builder.build();
        if (!m_demo.waitUntil([&] { return m_finished != finishedBefore; }, LiveDemo::BuildTimeoutMs,
                              QStringLiteral("the build"))) {
            Run timedOut;
            timedOut.output = QStringLiteral("the build did not finish");
            return timedOut;
        }
        m_demo.say(QStringLiteral("   build %1 in %2 ms")
                           .arg(m_last.succeeded ? QStringLiteral("succeeded") : QStringLiteral("failed"))
                           .arg(m_last.msecs));
        return m_last;
    }

private:
    LiveDemo &m_demo;
    QHotBuilder m_builder;
    Run m_last;
    int m_finished = 0;
};

struct Timing
{
    qint64 saveToLive = 0;
    qint64 build = 0;     // the build command's wall time
    qint64 afterLink = 0; // from the library file's last write to reloaded()
};

class Demo
{
public:
    explicit Demo(LiveDemo &demo) : m_demo(demo) {}

    bool run(int benchEdits);

private:
    bool setUp();
    bool useTheApp();
    bool checkVersion1();
    bool editSource();
    bool editForm();
    bool breakIt();
    bool restore();
    bool bench(int edits);

    // Builds after a save made at \a savedAt and waits until that build's
    // library is live; \a timing gets save-to-live and the build's share.
    bool buildAndWaitForReload(qint64 savedAt, Timing *timing);
    bool expectBackground(const QColor &expected, const QString &what);
    bool expectFall(double expected, const QString &what);
    bool expectKept(const QString &when);
    bool expectForm(const QString &titleLabel, const QString &when);

    LiveDemo &m_demo;
    QHotLibrary *m_library = nullptr;
    std::unique_ptr<SceneWindow> m_window;
    std::unique_ptr<ReloadWatch> m_watch;
    std::unique_ptr<DemoBuilder> m_builder;
    QList<QMetaObject::Connection> m_connections;

    // The balls at the last aboutToReload(), compared at reloaded(): a swap
    // must leave the app's state exactly as it was.
    std::vector<scene::Ball> m_ballsAtSwap;
    bool m_ballsKeptAtSwap = true;
    int m_formReloads = 0;
    QString m_formFailure;
    QList<Timing> m_timings;
    // Every reloadFailed() reason. GNU ld creates its output file empty and
    // fills it at the end of the link; on a loaded machine the empty file can
    // sit there longer than QHotLibrary waits for an incomplete file (1.5 s),
    // and is refused before the written file is taken. Counted, not failed.
    QStringList m_refusals;
    int m_emptyFileRefusals = 0;
    qint64 m_lastReloadWallMs = 0;
};

bool Demo::setUp()
{
    const LiveBuild &build = m_demo.liveBuild();
    m_demo.say(QStringLiteral("widgets: the scripted QHotReload demo (no display, or --demo)"));
    m_demo.say(QStringLiteral("   the hot library widgets_scene is compiled from %1 (copies of scene.cpp, "
                              "panel.cpp, ... in %2); the form is %3")
                       .arg(build.liveDir, build.sourceDir, SceneWindow::formFile()));

    m_demo.say(QStringLiteral("1. Start from the originals and build widgets_scene (usually up to date)"));
    if (!m_demo.startFromPristine())
        return false;
    // A first build before anything is loaded: the live copies may just have
    // been put back by startFromPristine().
    m_builder = std::make_unique<DemoBuilder>(m_demo);
    if (const DemoBuilder::Run first = m_builder->run(); !first.succeeded)
        return m_demo.fail(QStringLiteral("the build failed:\n") + first.output);

    m_demo.say(QStringLiteral("2. Load it and open the window (offscreen): scene, settings panel, form, indicator"));
    if (!hot_scene::hotModule().load())
        return m_demo.fail(hot_scene::hotModule().errorString());
    m_library = hot_scene::hotModule().library();
    m_watch = std::make_unique<ReloadWatch>(m_demo, m_library);
    m_window = std::make_unique<SceneWindow>();
    m_window->resize(960, 540);
    m_window->show();
    m_window->indicator()->setBuilder(&m_builder->builder());

    m_connections << QObject::connect(m_library, &QHotLibrary::aboutToReload, m_window.get(), [this] {
        m_ballsAtSwap = m_window->view()->state().balls;
    });
    m_connections << QObject::connect(m_library, &QHotLibrary::reloaded, m_window.get(), [this] {
        m_ballsKeptAtSwap = m_ballsKeptAtSwap && sameBalls(m_ballsAtSwap, m_window->view()->state().balls);
    });
    m_connections << QObject::connect(m_library, &QHotLibrary::reloaded, m_window.get(), [this] {
        // Wall clock, to compare with the file's modification time.
        m_lastReloadWallMs = QDateTime::currentMSecsSinceEpoch();
    });
    m_connections << QObject::connect(m_library, &QHotLibrary::reloadFailed, m_window.get(),
                                      [this](const QString &reason) { m_refusals << reason; });
    m_connections << QObject::connect(m_window->form(), &QHotForm::formReloaded, m_window.get(), [this] {
        ++m_formReloads;
        m_demo.say(QStringLiteral("   QHotForm::formReloaded(): the new scene.ui is shown"));
    });
    m_connections << QObject::connect(m_window->form(), &QHotForm::formFailed, m_window.get(),
                                      [this](const QString &reason) {
                                          m_formFailure = reason;
                                          m_demo.say(QStringLiteral("   QHotForm::formFailed(): ") + reason);
                                      });

    if (!m_window->panel()->widget())
        return m_demo.fail(QStringLiteral("no settings panel: ") + m_window->panel()->errorString());
    if (!m_window->form()->form())
        return m_demo.fail(QStringLiteral("no form: ") + m_window->form()->errorString());
    m_demo.say(QStringLiteral("   version %1 loaded; panel: %2 from scene::createPanel(); indicator: \"%3\"")
                       .arg(m_library->version())
                       .arg(QString::fromLatin1(m_window->panel()->widget()->metaObject()->className()),
                            m_window->indicator()->text()));
    return true;
}

bool Demo::useTheApp()
{
    m_demo.say(QStringLiteral("3. Use the app: set the panel to speed ×%1, %2 balls, colour %3; type \"%4\" "
                              "in the form and untick the grid")
                       .arg(PanelSpeed)
                       .arg(PanelCount)
                       .arg(describe(PanelColor), TypedTitle));
    QWidget *panel = m_window->panel()->widget();
    // What the panel's slider, spin box and swatch do.
    panel->setProperty("speed", PanelSpeed);
    panel->setProperty("count", PanelCount);
    panel->setProperty("color", PanelColor);
    QWidget *form = m_window->form()->form();
    auto *title = form->findChild<QLineEdit *>(QStringLiteral("titleEdit"));
    auto *grid = form->findChild<QAbstractButton *>(QStringLiteral("gridCheck"));
    if (!title || !grid)
        return m_demo.fail(QStringLiteral("scene.ui has no titleEdit or gridCheck"));
    title->setText(TypedTitle);
    grid->setChecked(false);

    // Let it run: the window's timer calls update() and repaints.
    const scene::SceneState &state = m_window->view()->state();
    const quint64 start = state.frames;
    if (!m_demo.waitUntil([&] { return state.frames >= start + 20; }, 30000, QStringLiteral("20 frames")))
        return false;
    m_demo.say(QStringLiteral("   the scene runs: frame %1, t = %2 s, %3 balls, title \"%4\"")
                       .arg(state.frames)
                       .arg(state.time, 0, 'f', 2)
                       .arg(state.balls.size())
                       .arg(state.title));
    if (int(state.balls.size()) != PanelCount || state.title != TypedTitle || state.grid || state.speed != PanelSpeed)
        return m_demo.fail(QStringLiteral("the scene did not take the panel's and the form's values"));
    return true;
}

bool Demo::checkVersion1()
{
    m_demo.say(QStringLiteral("4. What version 1 does"));
    return expectBackground(OriginalBackground, QStringLiteral("background"))
            && expectFall(0.0, QStringLiteral("no gravity"));
}

bool Demo::editSource()
{
    m_demo.say(QStringLiteral("5. Edit scene.cpp: paint() gets a plum background, update() gets gravity (900 px/s²)"));
    const scene::SceneState &state = m_window->view()->state();
    const quint64 framesBefore = state.frames;
    const double timeBefore = state.time;
    const QPointer<QWidget> panelBefore = m_window->panel()->widget();
    if (!m_demo.edit(QStringLiteral("scene.cpp"), { { backgroundLine(OriginalBackground), backgroundLine(EditedBackground[0]) },
                                                    { OriginalGravity, EditedGravity } }))
        return false;
    const qint64 savedAt = m_demo.elapsed();
    m_demo.say(QStringLiteral("   saved %1").arg(m_demo.liveBuild().liveFile(QStringLiteral("scene.cpp"))));
    Timing timing;
    if (!buildAndWaitForReload(savedAt, &timing))
        return false;
    m_timings << timing;
    if (!expectBackground(EditedBackground[0], QStringLiteral("new background"))
        || !expectFall(90.0, QStringLiteral("gravity × 0.1 s")))
        return false;

    m_demo.say(QStringLiteral("   the app's SceneState carried on: frame %1 -> %2, t = %3 s -> %4 s")
                       .arg(framesBefore)
                       .arg(state.frames)
                       .arg(timeBefore, 0, 'f', 2)
                       .arg(state.time, 0, 'f', 2));
    if (state.frames < framesBefore || state.time < timeBefore)
        return m_demo.fail(QStringLiteral("the scene's state went back"));
    if (!panelBefore.isNull() || !m_window->panel()->widget())
        return m_demo.fail(QStringLiteral("the panel was not made anew by the new version's createPanel()"));
    return expectKept(QStringLiteral("after the reload"));
}

bool Demo::editForm()
{
    m_demo.say(QStringLiteral("6. Edit scene.ui (written to a temporary file and renamed over it, as Designer "
                              "saves): the label \"Title\" becomes \"Caption\""));
    const int reloadsBefore = m_formReloads;
    const QPointer<QWidget> formBefore = m_window->form()->form();
    if (!m_demo.edit(QStringLiteral("scene.ui"), { { QStringLiteral("<string>Title</string>"),
                                                     QStringLiteral("<string>Caption</string>") } }))
        return false;
    const qint64 savedAt = m_demo.elapsed();
    if (!m_demo.waitUntil([&] { return m_formReloads != reloadsBefore || !m_formFailure.isEmpty(); },
                          LiveDemo::ReloadTimeoutMs, QStringLiteral("the form's reload")))
        return false;
    if (!m_formFailure.isEmpty())
        return m_demo.fail(QStringLiteral("the new form was not taken"));
    m_demo.say(QStringLiteral("   form live %1 ms after the save").arg(m_demo.elapsed() - savedAt));
    if (!formBefore.isNull())
        return m_demo.fail(QStringLiteral("the old form is still there"));
    return expectForm(QStringLiteral("Caption"), QStringLiteral("after the form's reload"));
}

bool Demo::breakIt()
{
    m_demo.say(QStringLiteral("7. Break it: a syntax error in update()"));
    const int version = m_library->version();
    const int reloads = m_watch->reloads();
    if (!m_demo.edit(QStringLiteral("scene.cpp"),
                     { { QStringLiteral("state.time += step;"), QStringLiteral("state.time += ;") } }))
        return false;
    const DemoBuilder::Run broken = m_builder->run();
    if (broken.succeeded)
        return m_demo.fail(QStringLiteral("the broken edit built"));
    if (broken.firstError.isEmpty() || !broken.firstError.contains(QStringLiteral("error")))
        return m_demo.fail(QStringLiteral("no compiler error in the build's output:\n") + broken.output);
    m_demo.say(QStringLiteral("   compiler: ") + broken.firstError);
    // The library is compiled from copies under the build tree (the demo
    // edits those); each starts with a #line naming its original, so the
    // error names the file in the example's folder, as for the user's edits.
    const QString edited = QStringLiteral(QHOT_EXAMPLE_SOURCE_DIR "/scene.cpp:");
    if (!broken.firstError.startsWith(edited))
        return m_demo.fail(QStringLiteral("the error does not name %1").arg(edited));

    QHotReloadIndicator *indicator = m_window->indicator();
    m_demo.say(QStringLiteral("   indicator: \"%1\"").arg(indicator->text()));
    if (indicator->state() != QHotReloadIndicator::BuildFailed
        || !indicator->text().startsWith(QStringLiteral("build failed"))
        || !indicator->text().contains(QStringLiteral("scene.cpp:")) || !indicator->details().contains(broken.firstError))
        return m_demo.fail(QStringLiteral("the indicator does not show the failed build and its first error"));

    if (m_library->version() != version || m_watch->reloads() != reloads)
        return m_demo.fail(QStringLiteral("a failed build changed the loaded library"));
    const scene::SceneState &state = m_window->view()->state();
    const quint64 frames = state.frames;
    if (!m_demo.waitUntil([&] { return state.frames >= frames + 5; }, 30000, QStringLiteral("5 more frames")))
        return false;
    m_demo.say(QStringLiteral("   version %1 still runs: frame %2 -> %3").arg(version).arg(frames).arg(state.frames));
    return expectBackground(EditedBackground[0], QStringLiteral("still the edited background"))
            && expectFall(90.0, QStringLiteral("still the edited update()"));
}

bool Demo::restore()
{
    m_demo.say(QStringLiteral("8. Put the original scene.cpp and scene.ui back and rebuild"));
    const int formReloads = m_formReloads;
    if (!m_demo.restoreAll())
        return false;
    const qint64 savedAt = m_demo.elapsed();
    Timing timing;
    if (!buildAndWaitForReload(savedAt, &timing))
        return false;
    m_timings << timing;
    if (!m_demo.waitUntil([&] { return m_formReloads != formReloads || !m_formFailure.isEmpty(); },
                          LiveDemo::ReloadTimeoutMs, QStringLiteral("the form's reload")))
        return false;
    if (!m_formFailure.isEmpty())
        return m_demo.fail(QStringLiteral("the original form was not taken"));
    m_demo.say(QStringLiteral("   indicator: \"%1\"").arg(m_window->indicator()->text()));
    if (m_window->indicator()->state() != QHotReloadIndicator::Reloaded)
        return m_demo.fail(QStringLiteral("the indicator does not show the reload"));
    return expectBackground(OriginalBackground, QStringLiteral("original background"))
            && expectFall(0.0, QStringLiteral("no gravity again")) && expectKept(QStringLiteral("after the reload"))
            && expectForm(QStringLiteral("Title"), QStringLiteral("after the form's reload"));
}

bool Demo::bench(int edits)
{
    m_demo.say(QStringLiteral("9. Benchmark: %1 edits of scene.cpp's background, each saved, built and checked live")
                       .arg(edits));
    QList<Timing> timings;
    QColor current = OriginalBackground;
    for (int i = 0; i < edits; ++i) {
        const QColor next = EditedBackground[i % 2];
        if (!m_demo.edit(QStringLiteral("scene.cpp"), { { backgroundLine(current), backgroundLine(next) } }))
            return false;
        const qint64 savedAt = m_demo.elapsed();
        Timing timing;
        if (!buildAndWaitForReload(savedAt, &timing)
            || !expectBackground(next, QStringLiteral("edit %1 of %2").arg(i + 1).arg(edits)))
            return false;
        timings << timing;
        current = next;
    }
    m_demo.say(QStringLiteral("   back to the original"));
    const int formReloads = m_formReloads;
    Timing restored;
    if (!m_demo.restoreAll() || !buildAndWaitForReload(m_demo.elapsed(), &restored)
        || !expectBackground(OriginalBackground, QStringLiteral("original background"))
        || !expectKept(QStringLiteral("after the benchmark")))
        return false;
    if (m_formReloads != formReloads)
        return m_demo.fail(QStringLiteral("the form reloaded though scene.ui was not changed"));

    // Split at the linker's last write, not at the build command's exit (which
    // often comes after the reload): no part is ever negative.
    QList<qint64> total;
    QList<qint64> build;
    QList<qint64> toLink;
    QList<qint64> afterLink;
    for (const Timing &t : std::as_const(timings)) {
        total << t.saveToLive;
        build << t.build;
        toLink << qMax<qint64>(0, t.saveToLive - t.afterLink);
        afterLink << t.afterLink;
    }
    m_demo.say(QStringLiteral("PASSED: %1 edits, save to live p50 %2 ms (the build command returned after p50 %3 ms); "
                              "to the linker's last write p50 %4 ms; from there to live p50 %6 ms, max %5 ms")
                       .arg(edits)
                       .arg(median(total))
                       .arg(median(build))
                       .arg(median(toLink))
                       .arg(*std::max_element(afterLink.cbegin(), afterLink.cend()))
                       .arg(median(afterLink)));
    // Last line, for scripts.
    QTextStream(stdout) << "RESULT save_to_live_ms p50=" << median(total) << " build_ms=" << median(build)
                        << " to_link_ms=" << median(toLink) << " after_link_ms=" << median(afterLink)
                        << " n=" << edits << Qt::endl;
    return true;
}

bool Demo::buildAndWaitForReload(qint64 savedAt, Timing *timing)
{
    const int reloadsBefore = m_watch->reloads();
    const qsizetype refusalsBefore = m_refusals.size();
    // A refusal that is not the linker's empty output file (see m_refusals).
    auto realRefusal = [&] {
        for (qsizetype i = refusalsBefore; i < m_refusals.size(); ++i) {
            if (!m_refusals.at(i).endsWith(QStringLiteral(" is empty")))
                return m_refusals.at(i);
        }
        return QString();
    };
    const DemoBuilder::Run built = m_builder->run();
    if (!built.succeeded)
        return m_demo.fail(QStringLiteral("the build failed:\n") + built.output);
    // The library often reloads before cmake has even exited. Done means the
    // loaded copy is, byte for byte, what the build left behind.
    if (!m_demo.waitUntil(
                [&] {
                    return !realRefusal().isEmpty()
                            || (m_watch->reloads() > reloadsBefore && m_watch->loadedIsBuildOutput());
                },
                LiveDemo::ReloadTimeoutMs, QStringLiteral("the reload of the new library")))
        return false;
    if (const QString refusal = realRefusal(); !refusal.isEmpty())
        return m_demo.fail(QStringLiteral("the new library was refused: ") + refusal);
    if (m_refusals.size() != refusalsBefore) {
        ++m_emptyFileRefusals;
        m_demo.say(QStringLiteral("   note: the library was refused while the linker had it open and empty, then "
                                  "taken when it was written (a known QHotReload core issue under load)"));
    }
    timing->saveToLive = m_watch->lastReloadAt() - savedAt;
    timing->build = built.msecs;
    // Clamped: the file system's time and the wall clock may disagree by a tick.
    timing->afterLink = qMax<qint64>(0, m_lastReloadWallMs
            - QFileInfo(m_library->fileName()).lastModified().toMSecsSinceEpoch());
    // The reload often lands before the build command returns: split the wait at
    // the linker's last write, not at the build command's exit, so neither
    // part is negative.
    m_demo.say(QStringLiteral("   new code live %1 ms after the save: %2 ms to the linker's last write, %3 ms from "
                              "there to live (the build command returned after %4 ms); indicator: \"%5\"")
                       .arg(timing->saveToLive)
                       .arg(qMax<qint64>(0, timing->saveToLive - timing->afterLink))
                       .arg(timing->afterLink)
                       .arg(timing->build)
                       .arg(m_window->indicator()->text()));
    return true;
}

bool Demo::expectBackground(const QColor &expected, const QString &what)
{
    const QColor pixel = backgroundPixel(m_window->view());
    m_demo.say(QStringLiteral("   scene rendered offscreen: background %1 (%2)").arg(describe(pixel), what));
    if (!sameColour(pixel, expected))
        return m_demo.fail(QStringLiteral("expected a background of %1").arg(describe(expected)));
    return true;
}

bool Demo::expectFall(double expected, const QString &what)
{
    const double fall = probeFall();
    m_demo.say(QStringLiteral("   update(): a ball at rest falls at %1 px/s after 0.1 s (%2)").arg(fall).arg(what));
    if (std::abs(fall - expected) > 1e-6)
        return m_demo.fail(QStringLiteral("expected %1 px/s").arg(expected));
    return true;
}

bool Demo::expectKept(const QString &when)
{
    const QWidget *panel = m_window->panel()->widget();
    if (!panel)
        return m_demo.fail(QStringLiteral("no settings panel: ") + m_window->panel()->errorString());
    const double speed = panel->property("speed").toDouble();
    const int count = panel->property("count").toInt();
    const QColor color = panel->property("color").value<QColor>();
    const scene::SceneState &state = m_window->view()->state();
    m_demo.say(QStringLiteral("   kept %1: panel speed ×%2, %3 balls, colour %4; the %5 balls exactly where they "
                              "were at each swap: %6")
                       .arg(when)
                       .arg(speed)
                       .arg(count)
                       .arg(describe(color))
                       .arg(state.balls.size())
                       .arg(m_ballsKeptAtSwap ? QStringLiteral("yes") : QStringLiteral("no")));
    if (speed != PanelSpeed || count != PanelCount || color != PanelColor)
        return m_demo.fail(QStringLiteral("the panel's properties were not carried over"));
    if (int(state.balls.size()) != PanelCount || !m_ballsKeptAtSwap)
        return m_demo.fail(QStringLiteral("the scene's state changed in a swap"));
    return true;
}

bool Demo::expectForm(const QString &titleLabel, const QString &when)
{
    const QWidget *form = m_window->form()->form();
    const auto *label = form ? form->findChild<QLabel *>(QStringLiteral("titleLabel")) : nullptr;
    const auto *title = form ? form->findChild<QLineEdit *>(QStringLiteral("titleEdit")) : nullptr;
    const auto *grid = form ? form->findChild<QAbstractButton *>(QStringLiteral("gridCheck")) : nullptr;
    if (!label || !title || !grid)
        return m_demo.fail(QStringLiteral("the form lacks titleLabel, titleEdit or gridCheck"));
    m_demo.say(QStringLiteral("   form %1: label \"%2\", typed text \"%3\" kept, grid %4")
                       .arg(when, label->text(), title->text(),
                            grid->isChecked() ? QStringLiteral("ticked") : QStringLiteral("unticked (kept)")));
    if (label->text() != titleLabel)
        return m_demo.fail(QStringLiteral("expected the label \"%1\"").arg(titleLabel));
    if (title->text() != TypedTitle || grid->isChecked())
        return m_demo.fail(QStringLiteral("the form lost what was typed into it"));
    return true;
}

bool Demo::run(int benchEdits)
{
    const bool passed = setUp() && useTheApp() && checkVersion1() && editSource() && editForm() && breakIt()
            && restore();
    if (passed) {
        m_demo.say(QStringLiteral("PASSED: an edit of paint() and update() live without a restart (%1 ms from "
                                  "save to live, %2 ms of it until the linker's last write), the scene's state, "
                                  "the panel's properties and the form's input kept; scene.ui reloaded with its "
                                  "input; a broken edit shown as \"build failed\" while the old code ran on; the "
                                  "originals are back%3")
                           .arg(m_timings.value(0).saveToLive)
                           .arg(qMax<qint64>(0, m_timings.value(0).saveToLive - m_timings.value(0).afterLink))
                           .arg(m_emptyFileRefusals ? QStringLiteral(" (note: %1 refusal(s) of the linker's empty "
                                                                     "output file, see above)")
                                                              .arg(m_emptyFileRefusals)
                                                    : QString()));
    }
    const bool benched = passed && (benchEdits <= 0 || bench(benchEdits));
    for (const QMetaObject::Connection &connection : std::as_const(m_connections))
        QObject::disconnect(connection);
    // The window (and the panel made by the library) goes before the library.
    m_window.reset();
    return benched;
}

} // namespace

int runScriptedDemo(int benchEdits)
{
    LiveDemo demo(QHOT_EXAMPLE_LIVE_BUILD(),
                  { QStringLiteral("scene.h"), QStringLiteral("scene.cpp"), QStringLiteral("panel.h"),
                    QStringLiteral("panel.cpp"), QStringLiteral("scene.ui") });
    Demo script(demo);
    return script.run(benchEdits) ? 0 : 1;
}
#else
// Built with QHOTRELOAD_ENABLED=OFF: widgets_scene is linked in, the same
// window is made from the same lines, and nothing is watched or rebuilt.
int runScriptedDemo(int)
{
    QTextStream out(stdout);
    out << "widgets: hot reload is off in this build (QHOTRELOAD_ENABLED=OFF): widgets_scene is linked in "
           "statically, the calls are direct"
        << Qt::endl;
    SceneWindow window;
    window.show();
    const QWidget *panel = window.panel()->widget();
    const scene::SceneState &state = window.view()->state();
    const double before = state.time;
    while (state.time <= before)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    out << "the panel " << (panel ? "was made by the linked-in factory" : "is missing") << ", the indicator is "
        << (window.indicator() ? "there" : "not made") << ", the scene ran to t = " << state.time << " s" << Qt::endl;
    if (!panel || window.indicator()) {
        out << "FAILED" << Qt::endl;
        return 1;
    }
    out << "PASSED: the statically linked scene ran with the hot build's code unchanged" << Qt::endl;
    return 0;
}
#endif

int saveScreenshot(const QString &fileName)
{
    if (!hot_scene::hotModule().load()) {
        QTextStream(stderr) << hot_scene::hotModule().errorString() << Qt::endl;
        return 1;
    }
    SceneWindow window;
    window.resize(900, 460);
    window.show();
    if (QWidget *form = window.form()->form()) {
        if (auto *title = form->findChild<QLineEdit *>(QStringLiteral("titleEdit")))
            title->setText(QStringLiteral("Bouncing, live"));
    }
    if (QWidget *panel = window.panel()->widget())
        panel->setProperty("count", 24);
    // A second and a half of animation, on the window's own timer.
    const scene::SceneState &state = window.view()->state();
    while (state.time < 1.5)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    const QPixmap shot = window.grab();
    if (!shot.save(fileName)) {
        QTextStream(stderr) << "cannot write " << fileName << Qt::endl;
        return 1;
    }
    QTextStream(stdout) << "wrote " << fileName << " (" << shot.width() << "x" << shot.height() << ")" << Qt::endl;
    return 0;
}
