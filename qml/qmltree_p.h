// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QMLTREE_P_H
#define QHOTRELOAD_QMLTREE_P_H

// What Live QML reads of a running scene through public API only: the
// objects under a root, which file made an object (its QQmlContext's base
// URL), the objects a file's instance declares, ids, the values worth
// carrying, and which properties a file's text binds to an expression.

#include <QtCore/QByteArray>
#include <QtCore/QHash>
#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QSet>
#include <QtCore/QString>
#include <QtCore/QUrl>
#include <QtCore/QVariant>

namespace QHotReload::Detail::QmlTree {

using Values = QHash<QByteArray, QVariant>;

//! \internal True if \a value holds a pointer to a QObject.
bool isObject(const QVariant &value);
//! \internal The pointer \a value holds, without touching the object (it may be gone).
QObject *rawObject(const QVariant &value);
//! \internal \a a and \a b are the same value (pointers compared as pointers, JavaScript values as such).
bool sameValue(const QVariant &a, const QVariant &b);

//! \internal \a root and every object under it (QObject children, visual children, a window's content), once each.
QList<QObject *> subtree(QObject *root);

//! \internal \a url without query and fragment: the file it names.
QUrl fileUrl(const QUrl &url);

//! \internal The instances of \a file under \a roots: the objects whose own context is \a file's.
QList<QObject *> instancesOf(const QList<QObject *> &roots, const QUrl &file);

//! \internal The objects the file of \a instance declares inside it (not \a instance), in tree order.
QList<QObject *> declaredIn(QObject *instance);

//! \internal The file that made \a instance (its own context's URL), or an empty URL.
QUrl fileOf(QObject *instance);

//! \internal Every file (its URL as loaded) objects under \a roots were made from.
QSet<QUrl> filesUnder(const QList<QObject *> &roots);

//! \internal \a object's id in the file that declares it, or an empty string.
QString idOf(QObject *object);

//! \internal The values of \a object's writable properties that may be carried to a new object.
Values values(QObject *object);

//! \internal True if \a name of \a object names a property values() reads.
bool carriable(const QObject *object, const QByteArray &name);

//! \internal The property names the QML text \a text binds to an expression (not a literal).
QSet<QByteArray> boundNames(const QString &text);

//! \internal The property names the QML text \a text gives a value at all (a literal or a binding).
QSet<QByteArray> assignedNames(const QString &text);

//! \internal The .js files \a text imports, resolved against \a base.
QList<QUrl> scriptImports(const QString &text, const QUrl &base);

} // namespace QHotReload::Detail::QmlTree

#endif // QHOTRELOAD_QMLTREE_P_H
