// SPDX-License-Identifier: MIT
// Loads `import QHotReload` from the installed module and checks that the
// engine took the installed plugin (HotQml too); the installed header of
// QHotQmlReloader compiles. Prints PASSED and exits 0 on success.

#include <QHotReload/QHotQmlReloader>

#include <QtCore/QCoreApplication>
#include <QtCore/QFile>
#include <QtCore/QTextStream>
#include <QtQml/QQmlComponent>
#include <QtQml/QQmlEngine>

#include <type_traits>

// Only the header: calling into libQHotReloadQml would register the module's
// types from the linked library, and the engine would not load the plugin
// this test is about.
static_assert(std::is_base_of_v<QObject, QHotQmlReloader>, "QHotQmlReloader from the installed header");

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    QQmlEngine engine;
    engine.addImportPath(QStringLiteral(QML_IMPORT_DIR));
    QQmlComponent component(&engine);
    component.setData("import QtQml\nimport QHotReload\n"
                      "QtObject { property HotLibrary lib: HotLibrary { fileName: \"missing\" }\n"
                      "           property HotReloadStatus status: HotReloadStatus { library: lib }\n"
                      "           property HotQml hot: HotQml { } }\n",
                      QUrl(QStringLiteral("file:///consumer.qml")));
    QObject *root = component.create();
    if (!root) {
        out << "FAILED: " << component.errorString() << Qt::endl;
        return 1;
    }
    // Live QML's switch, from the installed plugin.
    auto *hot = root->property("hot").value<QObject *>();
    if (!hot || !hot->property("enabled").toBool()) {
        out << "FAILED: no HotQml from the installed module" << Qt::endl;
        return 1;
    }
    auto *status = root->property("status").value<QObject *>();
    out << "status: " << status->property("text").toString() << Qt::endl;
#if defined(Q_OS_LINUX)
    // The plugin mapped must be the installed one.
    QFile maps(QStringLiteral("/proc/self/maps"));
    const QByteArray wanted = QByteArray(QML_IMPORT_DIR) + "/QHotReload/libQHotReloadQmlplugin.so";
    if (!maps.open(QIODevice::ReadOnly) || !maps.readAll().contains(wanted)) {
        out << "FAILED: " << wanted << " is not loaded" << Qt::endl;
        return 1;
    }
#endif
    delete root;
    out << "PASSED" << Qt::endl;
    return 0;
}
