// SPDX-License-Identifier: MIT
// Live QML: from a component's file written to its new pixels on screen.
//
// A real QQuickView (offscreen) shows a scene that uses the component Badge
// four times. Each round the app changes three properties of every badge
// (count, note, level: its run-time state), then Badge.qml is written with
// another colour, and the time until a grabbed frame shows the new colour is
// measured. The reloader must keep every value the app changed.
//
// Usage: bench_qml_reload [--rounds N]
// Last line: RESULT qml_reload save_to_visible_ms_p50=<x> p99=<y> kept_properties=<n>/<m>

#include "benchutil.h"
#include <QHotReload/qhotqmlreloader.h>

#include <QtCore/QElapsedTimer>
#include <QtCore/QSaveFile>
#include <QtCore/QTemporaryDir>
#include <QtGui/QGuiApplication>
#include <QtGui/QImage>
#include <QtQml/QQmlEngine>
#include <QtQuick/QQuickItem>
#include <QtQuick/QQuickView>

#include <vector>

using bench::out;

namespace {

constexpr int Badges = 4;

QString badgeText(const QString &color)
{
    return QStringLiteral("import QtQuick\n"
                          "Rectangle {\n"
                          "    id: badge\n"
                          "    property int count: 0\n"
                          "    property string note: \"\"\n"
                          "    property real level: 0\n"
                          "    width: 40\n"
                          "    height: 40\n"
                          "    color: \"%1\"\n"
                          "    Text { text: badge.note + \" \" + badge.count }\n"
                          "}\n")
            .arg(color);
}

QString mainText()
{
    QString badges;
    for (int i = 0; i < Badges; ++i)
        badges += QStringLiteral("    Badge { objectName: \"b%1\"; x: %2; y: 10 }\n").arg(i).arg(10 + i * 60);
    return QStringLiteral("import QtQuick\nItem {\n    width: 260\n    height: 60\n%1}\n").arg(badges);
}

bool write(const QString &path, const QString &text)
{
    QSaveFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(text.toUtf8()) >= 0 && file.commit();
}

int fail(const QString &why)
{
    out() << "BENCHMARK FAILED: " << why << Qt::endl;
    return 1;
}

} // namespace

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    int rounds = 100;
    const QStringList args = app.arguments();
    if (const qsizetype i = args.indexOf(QStringLiteral("--rounds")); i >= 0 && i + 1 < args.size())
        rounds = args.at(i + 1).toInt();
    if (rounds <= 0) {
        out() << "--rounds needs a positive number\n";
        return 2;
    }

    QTemporaryDir dir;
    const QString badgeFile = dir.filePath(QStringLiteral("Badge.qml"));
    if (!dir.isValid() || !write(badgeFile, badgeText(QStringLiteral("#ff0000")))
        || !write(dir.filePath(QStringLiteral("Main.qml")), mainText()))
        return fail(QStringLiteral("cannot write the scene"));

    QQuickView view;
    view.setSource(QUrl::fromLocalFile(dir.filePath(QStringLiteral("Main.qml"))));
    if (view.status() != QQuickView::Ready)
        return fail(view.errors().value(0).toString());
    view.show();
    QHotQmlReloader *reloader = QHotQmlReloader::forEngine(view.engine());
    reloader->addRoot(view.rootObject());

    std::vector<double> samples;
    int kept = 0;
    int changed = 0;
    for (int round = 0; round < rounds; ++round) {
        // The app's state, different each round.
        for (int i = 0; i < Badges; ++i) {
            QQuickItem *badge = view.rootObject()->findChild<QQuickItem *>(QStringLiteral("b%1").arg(i));
            if (!badge)
                return fail(QStringLiteral("badge b%1 is gone").arg(i));
            badge->setProperty("count", round + i + 1);
            badge->setProperty("note", QStringLiteral("n%1").arg(round));
            badge->setProperty("level", 0.5 + round);
        }
        const QColor color = round % 2 ? QColor(0xff, 0, 0) : QColor(0, 0xc0, 0);
        QElapsedTimer timer;
        timer.start();
        if (!write(badgeFile, badgeText(color.name())))
            return fail(QStringLiteral("cannot write Badge.qml"));
        // Until a frame shows it: the last badge's corner in the new colour.
        bool shown = false;
        while (!shown && timer.elapsed() < 10000) {
            app.processEvents(QEventLoop::AllEvents, 5);
            QQuickItem *last = view.rootObject()->findChild<QQuickItem *>(QStringLiteral("b%1").arg(Badges - 1));
            const QPoint corner = last->mapToScene(QPointF(36, 36)).toPoint();
            shown = view.grabWindow().pixelColor(corner) == color;
        }
        if (!shown)
            return fail(QStringLiteral("round %1: the new colour was never shown").arg(round));
        samples.push_back(double(timer.nsecsElapsed()) / 1e6);
        kept += reloader->lastKeptProperties();
        changed += reloader->lastChangedProperties();
        for (int i = 0; i < Badges; ++i) {
            QQuickItem *badge = view.rootObject()->findChild<QQuickItem *>(QStringLiteral("b%1").arg(i));
            if (badge->property("count").toInt() != round + i + 1
                || badge->property("note").toString() != QStringLiteral("n%1").arg(round))
                return fail(QStringLiteral("round %1: b%2 lost its state").arg(round).arg(i));
        }
    }
    out() << "rounds=" << rounds << " badges=" << Badges << " min_ms=" << bench::fixed(bench::percentile(samples, 0))
          << " max_ms=" << bench::fixed(bench::percentile(samples, 100)) << Qt::endl;
    out() << "RESULT qml_reload save_to_visible_ms_p50=" << bench::fixed(bench::percentile(samples, 50))
          << " p99=" << bench::fixed(bench::percentile(samples, 99)) << " kept_properties=" << kept << "/" << changed
          << Qt::endl;
    if (kept != changed)
        return fail(QStringLiteral("%1 of %2 changed properties were not kept").arg(changed - kept).arg(changed));
    return 0;
}
