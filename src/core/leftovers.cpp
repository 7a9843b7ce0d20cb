// SPDX-License-Identifier: MIT
// At a swap: what the application still holds that points into a retired
// copy, as far as it can be seen, said in one warning (see leftovers_p.h and
// the README's "What survives a swap").
#include "leftovers_p.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QMetaObject>
#include <QtCore/QObject>
#include <QtCore/QStringList>
#include <QtCore/QThread>

#include <cstring>
#include <map>
#include <mutex>
#include <tuple>
#include <typeinfo>
#include <unordered_set>

#if defined(__GNUG__)
#include <cxxabi.h>
#include <cstdlib>
#endif

QT_BEGIN_NAMESPACE
// Exported by QtCore for tools (GammaRay, Qt Creator's debugging helpers);
// declared in its private qhooks_p.h, whose layout only ever grows.
extern quintptr Q_CORE_EXPORT qtHookData[];
QT_END_NAMESPACE

namespace QHotReload::Internal {

namespace {

// qhooks_p.h's indices.
enum HookIndex { HookDataVersion = 0, HookDataSize = 1, AddQObject = 3, RemoveQObject = 4 };
using ObjectHook = void (*)(QObject *);

// The QObjects alive that were made after followObjects(). Never destroyed:
// the hooks may run until the process ends, after static destructors.
struct Tracker
{
    std::mutex mutex;
    std::unordered_set<QObject *> objects;
    ObjectHook previousAdd = nullptr;
    ObjectHook previousRemove = nullptr;
    bool installed = false;
};

Tracker &tracker()
{
    static Tracker *const instance = new Tracker;
    return *instance;
}

// Called from QObject's constructor (before a subclass's) and destructor
// (after a subclass's), on any thread: only the pointer is kept.
void follow(QObject *object, bool constructed)
{
    Tracker &t = tracker();
    {
        std::lock_guard lock(t.mutex);
        if (constructed)
            t.objects.insert(object);
        else
            t.objects.erase(object);
    }
    if (const ObjectHook previous = constructed ? t.previousAdd : t.previousRemove)
        previous(object);
}

void onAdd(QObject *object)
{
    follow(object, true);
}

void onRemove(QObject *object)
{
    follow(object, false);
}

// The objects their owners delete once the swap under way has ended
// (deletedAfterSwap()). Only the library's thread reads and writes it.
std::unordered_set<const QObject *> &deletedAfterSwapSet()
{
    static std::unordered_set<const QObject *> objects;
    return objects;
}

// Whether the hooks are still ours: a tool that replaced them without
// calling ours on leaves the set with objects long deleted.
bool hooksIntact()
{
    return tracker().installed && qtHookData[AddQObject] == quintptr(&onAdd)
            && qtHookData[RemoveQObject] == quintptr(&onRemove);
}

// The objects of this thread to look at. From the hooks' set, else the
// application object's tree (objects without a parent are not in it).
std::vector<QObject *> objectsOfThisThread()
{
    std::vector<QObject *> objects;
    QThread *const self = QThread::currentThread();
    if (hooksIntact()) {
        // Copied under the lock, looked at after it: a metaObject() that
        // made an object would otherwise wait for the lock it holds. Objects
        // of this thread cannot be deleted meanwhile (only this thread does).
        Tracker &t = tracker();
        std::lock_guard lock(t.mutex);
        objects.reserve(t.objects.size());
        for (QObject *object : t.objects) {
            if (object->thread() == self)
                objects.push_back(object);
        }
        return objects;
    }
    if (QCoreApplication *app = QCoreApplication::instance(); app && app->thread() == self) {
        const QList<QObject *> all = app->findChildren<QObject *>();
        objects.assign(all.cbegin(), all.cend());
    }
    return objects;
}

const OldCopy *copyAt(const std::vector<OldCopy> &copies, quintptr address)
{
    for (const OldCopy &copy : copies) {
        if (copy.contains(address))
            return &copy;
    }
    return nullptr;
}

// The class of \a object as its own code names it: the meta-object's name
// when the class has Q_OBJECT, else its demangled run-time type.
QString className(QObject *object, bool ownMetaObject)
{
    if (ownMetaObject)
        return QString::fromLatin1(object->metaObject()->className());
    const char *name = typeid(*object).name();
#if defined(__GNUG__)
    int status = 0;
    if (char *demangled = abi::__cxa_demangle(name, nullptr, nullptr, &status)) {
        const QString result = QString::fromLatin1(demangled);
        std::free(demangled);
        return result;
    }
#endif
    return QString::fromLatin1(name);
}

QString describe(QObject *object, bool ownMetaObject, bool isThread)
{
    QString text = isThread ? QStringLiteral("a QThread of class %1").arg(className(object, ownMetaObject))
                            : QStringLiteral("an object of class %1").arg(className(object, ownMetaObject));
    if (isThread) {
        auto *thread = static_cast<QThread *>(object);
        text += thread->isRunning() ? QStringLiteral(", running") : QStringLiteral(", not running");
    }
    if (QObject *parent = object->parent())
        text += QStringLiteral(", parent %1").arg(QLatin1String(parent->metaObject()->className()));
    else
        text += QStringLiteral(", no parent");
    return text;
}

// What to do, per kind of finding.
QString objectAdvice()
{
    return QStringLiteral("for an object, make it with QHotReload::versionRoot() as its parent (or adopt() it) so "
                          "it is deleted at the swap (an event filter too, or removeEventFilter() it in an "
                          "aboutToReload handler)");
}

QString threadAdvice()
{
    return QStringLiteral("for a QThread, make it under QHotReload::versionRoot() and let run() check "
                          "isInterruptionRequested(): it is then stopped at the swap");
}

} // namespace

void followObjects()
{
    Tracker &t = tracker();
    std::lock_guard lock(t.mutex);
    if (t.installed || qtHookData[HookDataVersion] < 1 || qtHookData[HookDataSize] <= RemoveQObject)
        return;
    t.previousAdd = reinterpret_cast<ObjectHook>(qtHookData[AddQObject]);
    t.previousRemove = reinterpret_cast<ObjectHook>(qtHookData[RemoveQObject]);
    qtHookData[RemoveQObject] = quintptr(&onRemove);
    qtHookData[AddQObject] = quintptr(&onAdd);
    t.installed = true;
}

bool followsObjectsThroughHooks()
{
    return hooksIntact();
}

void deletedAfterSwap(QObject *object)
{
    if (!object || !deletedAfterSwapSet().insert(object).second)
        return;
    QObject::connect(object, &QObject::destroyed, [object] { deletedAfterSwapSet().erase(object); });
}

std::vector<Leftover> findLeftovers(const std::vector<OldCopy> &copies,
                                    const std::function<bool(quintptr)> &isRedirected)
{
    std::vector<Leftover> found;
    if (copies.empty())
        return found;

    // The handler can only be read by installing one: put it back at once.
    // A message another thread logs in between goes to Qt's default handler.
    const QtMessageHandler handler = qInstallMessageHandler(nullptr);
    qInstallMessageHandler(handler);
    if (const OldCopy *copy = copyAt(copies, quintptr(handler))) {
        const bool redirected = isRedirected && isRedirected(quintptr(handler));
        found.push_back({Leftover::MessageHandler, copy->version,
                         redirected ? QStringLiteral("the message handler (qInstallMessageHandler) is its code; "
                                                     "its entry point is redirected, so the running version's "
                                                     "handler runs, with the running version's globals")
                                    : QStringLiteral("the message handler (qInstallMessageHandler) is its code, "
                                                     "which keeps running at every qDebug/qWarning"),
                         QStringLiteral("for the message handler, put the previous one back in the save-state "
                                        "hook or an aboutToReload handler, and install it again from the new "
                                        "version"),
                         1});
    }

    // Objects alike (same class, same parent's class, same state) are one
    // finding, counted, and described once: ten thousand are one line.
    struct Group
    {
        QObject *first;
        const OldCopy *copy;
        bool ownMetaObject;
        int count;
    };
    using Key = std::tuple<quintptr, const QMetaObject *, const QMetaObject *, bool>;
    std::map<Key, Group> groups;
    for (QObject *object : objectsOfThisThread()) {
        // Its vtable pointer comes first in the object (Itanium and MSVC
        // ABIs alike): in an old copy, the class is that copy's code.
        quintptr vtable = 0;
        std::memcpy(&vtable, static_cast<const void *>(object), sizeof vtable);
        const QMetaObject *meta = object->metaObject();
        if (deletedAfterSwapSet().count(object))
            continue; // its owner replaces it as soon as the swap has ended
        const OldCopy *byVtable = copyAt(copies, vtable);
        const OldCopy *byMeta = copyAt(copies, quintptr(meta));
        if (!byVtable && !byMeta)
            continue;
        const QObject *parent = object->parent();
        const auto *thread = qobject_cast<QThread *>(object);
        const Key key{vtable, meta, parent ? parent->metaObject() : nullptr, thread && thread->isRunning()};
        auto [it, added] = groups.try_emplace(key, Group{object, byVtable ? byVtable : byMeta, byMeta != nullptr, 0});
        ++it->second.count;
    }
    for (const auto &[key, group] : groups) {
        const bool isThread = qobject_cast<QThread *>(group.first) != nullptr;
        found.push_back({isThread ? Leftover::Thread : Leftover::Object, group.copy->version,
                         describe(group.first, group.ownMetaObject, isThread), isThread ? threadAdvice() : objectAdvice(),
                         group.count});
    }
    return found;
}

QString leftoversWarning(const QString &libraryPath, const std::vector<Leftover> &found)
{
    if (found.empty())
        return {};
    QStringList items;
    QStringList advice;
    for (const Leftover &leftover : found) {
        const QString count = leftover.count > 1 ? QStringLiteral(" (%1 of them)").arg(leftover.count) : QString();
        items << QStringLiteral("version %1: %2%3").arg(leftover.version).arg(leftover.what, count);
        if (!advice.contains(leftover.advice))
            advice << leftover.advice;
    }
    return QStringLiteral("%1: after the swap the application still holds what points into retired versions, "
                          "which stay mapped while it may run (within the retired-copies budget): %2. To avoid "
                          "it: %3. See \"What survives a swap\" in QHotReload's README.")
            .arg(QDir::toNativeSeparators(libraryPath), items.join(QStringLiteral("; ")),
                 advice.join(QStringLiteral("; ")));
}

} // namespace QHotReload::Internal
