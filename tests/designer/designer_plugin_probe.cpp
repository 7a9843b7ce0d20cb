// SPDX-License-Identifier: MIT
// designer_plugin_probe <expected plugin directory> [<prefix>]
//
// Finds QHotReload's Designer plugin the way Designer and QUiLoader do — in
// the designer/ folder of each of Qt's library paths, so QT_PLUGIN_PATH
// decides — and checks it is the one in the expected directory, that it loads
// in a process that does not link QHotReload (as Designer), and that QUiLoader
// makes both widgets with it. On Linux, with a prefix, the QHotReload::Widgets
// library it pulled in must come from that prefix. Prints "PROBE ok <file>".

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QJsonObject>
#include <QtCore/QLibrary>
#include <QtCore/QPluginLoader>
#include <QtUiPlugin/QDesignerCustomWidgetCollectionInterface>
#include <QtUiTools/QUiLoader>
#include <QtWidgets/QApplication>
#include <QtWidgets/QWidget>

#include <cstdio>

namespace {

int fail(const QString &why)
{
    std::fprintf(stderr, "PROBE failed: %s\n", qPrintable(why));
    return 1;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() < 2)
        return fail(QStringLiteral("usage: designer_plugin_probe <expected plugin directory> [<prefix>]"));
    const QString expectedDir = QDir(args.at(1)).canonicalPath();

    QString found;
    const QStringList libraryPaths = QCoreApplication::libraryPaths();
    for (const QString &path : libraryPaths) {
        const QFileInfoList files = QDir(path + QStringLiteral("/designer")).entryInfoList(QDir::Files);
        for (const QFileInfo &file : files) {
            if (!QLibrary::isLibrary(file.fileName()))
                continue;
            QPluginLoader loader(file.absoluteFilePath());
            const QJsonObject ours = loader.metaData().value(QStringLiteral("MetaData")).toObject();
            if (ours.value(QStringLiteral("Project")).toString() != QLatin1String("QHotReload"))
                continue;
            if (file.canonicalPath() != expectedDir)
                return fail(QStringLiteral("found %1, expected it in %2").arg(file.absoluteFilePath(), expectedDir));
            if (!loader.load())
                return fail(loader.errorString());
            if (!qobject_cast<QDesignerCustomWidgetCollectionInterface *>(loader.instance()))
                return fail(file.absoluteFilePath() + QStringLiteral(" is not a custom widget collection"));
            found = file.absoluteFilePath();
        }
    }
    if (found.isEmpty())
        return fail(QStringLiteral("no QHotReload plugin in the designer/ folders of %1")
                            .arg(libraryPaths.join(QLatin1Char(' '))));

    QUiLoader uiLoader;
    for (const char *name : {"QHotWidget", "QHotReloadIndicator"}) {
        const QString className = QString::fromLatin1(name);
        QWidget *w = uiLoader.createWidget(className);
        if (!w || className != QLatin1String(w->metaObject()->className()))
            return fail(QStringLiteral("QUiLoader did not make a %1 with the plugin").arg(className));
        delete w;
    }

#if defined(Q_OS_LINUX)
    if (args.size() > 2) {
        const QString prefix = QDir(args.at(2)).canonicalPath() + QLatin1Char('/');
        QFile maps(QStringLiteral("/proc/self/maps"));
        if (!maps.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("cannot read /proc/self/maps"));
        bool fromPrefix = false;
        const QList<QByteArray> lines = maps.readAll().split('\n');
        for (const QByteArray &line : lines) {
            const int at = line.indexOf('/');
            if (at < 0 || !line.contains("libQHotReloadWidgets"))
                continue;
            const QString mapped = QFileInfo(QString::fromLocal8Bit(line.mid(at))).canonicalFilePath();
            if (!mapped.startsWith(prefix))
                return fail(QStringLiteral("libQHotReloadWidgets came from %1, not from %2").arg(mapped, prefix));
            fromPrefix = true;
        }
        if (!fromPrefix)
            return fail(QStringLiteral("libQHotReloadWidgets is not mapped"));
    }
#endif
    std::printf("PROBE ok %s\n", qPrintable(found));
    return 0;
}
