// SPDX-License-Identifier: MIT
#include "qmltree_p.h"

#include <QtCore/QMetaProperty>
#include <QtCore/QRegularExpression>
#include <QtQml/QJSValue>
#include <QtQml/QQmlContext>
#include <QtQml/QQmlEngine>
#include <QtQuick/QQuickItem>
#include <QtQuick/QQuickWindow>

namespace QHotReload::Detail::QmlTree {

namespace {

// Properties that say where an object is, not what it holds: the reloader
// places the new object itself, and lists of children are the new file's.
bool structural(const QByteArray &name)
{
    static const QSet<QByteArray> names{"parent", "data", "resources", "children", "visibleChildren", "states",
                                        "transitions", "anchors", "contentItem", "transientParent", "screen",
                                        "implicitWidth", "implicitHeight", "palette"};
    return names.contains(name);
}

// The context that is the file's own: an instance's root is its context
// object; a root made by another file has that file's context instead.
QQmlContext *ownContext(QObject *object)
{
    QQmlContext *context = qmlContext(object);
    return context && context->contextObject() == object ? context : nullptr;
}

} // namespace

bool isObject(const QVariant &v)
{
    return v.metaType().flags() & QMetaType::PointerToQObject;
}

// The pointer itself, without touching the object (it may be gone: a
// value of an object made only to be compared).
QObject *rawObject(const QVariant &v)
{
    return isObject(v) ? *static_cast<QObject *const *>(v.constData()) : nullptr;
}

bool sameValue(const QVariant &a, const QVariant &b)
{
    if (isObject(a) || isObject(b))
        return isObject(a) && isObject(b) && rawObject(a) == rawObject(b);
    // QVariant does not compare JavaScript values (an unset gradient is one).
    if (a.metaType() == QMetaType::fromType<QJSValue>() && b.metaType() == a.metaType())
        return a.value<QJSValue>().strictlyEquals(b.value<QJSValue>());
    return a == b;
}

QList<QObject *> subtree(QObject *root)
{
    QList<QObject *> out;
    QSet<QObject *> seen;
    QList<QObject *> todo{root};
    while (!todo.isEmpty()) {
        QObject *o = todo.takeFirst();
        if (!o || seen.contains(o))
            continue;
        seen.insert(o);
        out.append(o);
        QList<QObject *> next = o->children();
        if (auto *item = qobject_cast<QQuickItem *>(o)) {
            for (QQuickItem *child : item->childItems())
                next.append(child);
        }
        if (auto *window = qobject_cast<QQuickWindow *>(o))
            next.append(window->contentItem());
        todo = next + todo;
    }
    return out;
}

QUrl fileUrl(const QUrl &url)
{
    return url.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment);
}

QUrl fileOf(QObject *instance)
{
    QQmlContext *context = ownContext(instance);
    return context ? fileUrl(context->baseUrl()) : QUrl();
}

QList<QObject *> instancesOf(const QList<QObject *> &roots, const QUrl &file)
{
    QList<QObject *> out;
    for (QObject *root : roots) {
        for (QObject *o : subtree(root)) {
            // Its own context is the file's, whether it has ids and children or not:
            // an object declared in a file has the file's context, with the
            // file's instance as its context object.
            QQmlContext *context = qmlContext(o);
            if (!context)
                continue;
            QObject *instance = context->contextObject();
            if (instance == o || !instance || out.contains(instance))
                continue;
            if (fileUrl(context->baseUrl()) == file)
                out.append(instance);
        }
        if (fileOf(root) == file && !out.contains(root))
            out.append(root);
    }
    // An object of a type derived from the file's (Derived.qml: Badge { })
    // has the file's objects inside too, but is made from the derived file.
    const QString typeName = file.fileName().section(QLatin1Char('.'), 0, 0) + QStringLiteral("_QMLTYPE_");
    out.removeIf([&](QObject *o) {
        const QString className = QString::fromLatin1(o->metaObject()->className());
        return className.contains(QLatin1String("_QMLTYPE_")) && !className.startsWith(typeName);
    });
    // An instance with nothing declared inside is known by its type's name.
    for (QObject *root : roots) {
        for (QObject *o : subtree(root)) {
            if (!out.contains(o) && QString::fromLatin1(o->metaObject()->className()).startsWith(typeName))
                out.append(o);
        }
    }
    return out;
}

QList<QObject *> declaredIn(QObject *instance)
{
    QList<QObject *> out;
    const QList<QObject *> all = subtree(instance);
    for (QObject *o : all) {
        QQmlContext *context = qmlContext(o);
        if (o != instance && context && context->contextObject() == instance)
            out.append(o);
    }
    return out;
}

QSet<QUrl> filesUnder(const QList<QObject *> &roots)
{
    QSet<QUrl> files;
    for (QObject *root : roots) {
        for (QObject *o : subtree(root)) {
            if (QQmlContext *context = qmlContext(o); context && !context->baseUrl().isEmpty())
                files.insert(fileUrl(context->baseUrl()));
        }
    }
    return files;
}

QString idOf(QObject *object)
{
    QQmlContext *context = qmlContext(object);
    return context ? context->nameForObject(object) : QString();
}

bool carriable(const QObject *object, const QByteArray &name)
{
    const QMetaObject *mo = object->metaObject();
    const int index = mo->indexOfProperty(name.constData());
    if (index < 0 || structural(name))
        return false;
    const QMetaProperty p = mo->property(index);
    return p.isWritable() && p.isReadable() && !p.isConstant()
            && !QByteArray(p.typeName()).startsWith("QQmlListProperty");
}

Values values(QObject *object)
{
    Values out;
    const QMetaObject *mo = object->metaObject();
    for (int i = 0; i < mo->propertyCount(); ++i) {
        const QByteArray name = mo->property(i).name();
        if (carriable(object, name))
            out.insert(name, mo->property(i).read(object));
    }
    return out;
}

namespace {

QSet<QByteArray> assignments(const QString &text, bool boundOnly)
{
    // "name: value" and "property type name: value" at the start of a line;
    // a value that is a number, a string, true/false/null or an enum
    // (Text.Wrap) is a literal, anything else a binding.
    static const QRegularExpression assignment(QStringLiteral(
            R"re(^\s*(?:(?:readonly|required|default)\s+)*(?:property\s+[\w<>.]+\s+)?([A-Za-z_][\w.]*)\s*:\s*(.*)$)re"),
                                               QRegularExpression::MultilineOption);
    static const QRegularExpression literal(QStringLiteral(
            R"re(^(?:-?\d+(?:\.\d+)?|"[^"]*"|'[^']*'|true|false|null|undefined|[A-Z]\w*\.[A-Z]\w*)\s*;?\s*(?://.*)?$)re"));
    // One statement a line: "Text { id: label; text: word }" holds two.
    QString statements = text;
    statements.replace(QLatin1Char('{'), QStringLiteral("{\n"))
            .replace(QLatin1Char(';'), QLatin1Char('\n'))
            .replace(QLatin1Char('}'), QStringLiteral("\n}"));
    QSet<QByteArray> names;
    auto it = assignment.globalMatch(statements);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        const QString name = m.captured(1).section(QLatin1Char('.'), -1);
        const QString value = m.captured(2).trimmed();
        if (name == QLatin1String("id") || value.isEmpty() || (boundOnly && literal.match(value).hasMatch()))
            continue;
        // "delegate: Rectangle {": an object, not a binding.
        if (boundOnly && value.front().isUpper() && value.endsWith(QLatin1Char('{')))
            continue;
        names.insert(name.toUtf8());
    }
    return names;
}

} // namespace

QSet<QByteArray> boundNames(const QString &text)
{
    return assignments(text, true);
}

QSet<QByteArray> assignedNames(const QString &text)
{
    return assignments(text, false);
}

QList<QUrl> scriptImports(const QString &text, const QUrl &base)
{
    static const QRegularExpression import(QStringLiteral(R"re(^\s*import\s+"([^"]+\.m?js)")re"),
                                           QRegularExpression::MultilineOption);
    QList<QUrl> out;
    auto it = import.globalMatch(text);
    while (it.hasNext())
        out.append(base.resolved(QUrl(it.next().captured(1))));
    return out;
}

} // namespace QHotReload::Detail::QmlTree
