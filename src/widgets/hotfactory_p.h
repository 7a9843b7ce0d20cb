// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_HOTFACTORY_P_H
#define QHOTRELOAD_HOTFACTORY_P_H

// What QHotWidget needs to know about the version a QHotLibrary has loaded:
// a factory by name, and the version's root object (deleted just before that
// version is unloaded). The manifest itself is the core's to read
// (runningManifest(), findFunction(), versionRootOf()); this asks it.

#include <QHotReload/qhotlibrary.h>
#include <QHotReload/qhotmanifest.h>

#include <QtCore/QStringList>
#include <QtCore/QVariantMap>

QT_BEGIN_NAMESPACE
class QWidget;
QT_END_NAMESPACE

namespace QHotReload::Internal {

using WidgetFactory = QWidget *(*)(QWidget *);

/*!
    The hot function \a name of the loaded version, if its signature is
    QWidget *(QWidget *). Otherwise nullptr and \a error says why (a sentence
    fragment that follows the file's name).
*/
WidgetFactory findWidgetFactory(const QHotLibrary *library, const QString &name, QString *error);

//! The QObject the loaded version's objects belong to, or nullptr (no manifest).
QObject *loadedVersionRoot(const QHotLibrary *library);

//! The module (load address) of the version \a library has loaded, or nullptr.
const void *loadedModule(const QHotLibrary *library);

/*!
    \a map with every value copied so that it no longer refers to the hot
    library loaded at \a module: built-in types are copied through Qt's own
    type, values of a type the library itself registered are left out and
    named in \a dropped.
*/
QVariantMap detachFromLibrary(const QVariantMap &map, const void *module, QStringList *dropped);

} // namespace QHotReload::Internal

#endif
