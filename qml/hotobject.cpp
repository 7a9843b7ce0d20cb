// SPDX-License-Identifier: MIT
#include "hotobject.h"

#include "qmllogging_p.h"

#include <QHotReload/qhotlibrary.h>
#include <QHotReload/qhotstate.h>

#include "hotfactory_p.h"       // findFactory(), loadedModule(), carriedProperties()
#include "leftovers_p.h"        // deletedAfterSwap()
#include "linkedlibraries_p.h"  // linkedLibrary()

#include <QtCore/QDir>
#include <QtQml/QQmlEngine>

#include <exception>

using namespace QHotReload::Internal;

namespace {
using ObjectFactory = QObject *(QObject *);
constexpr const char *FactoryKind = "an object factory";
} // namespace

QHotQmlObject::QHotQmlObject(QObject *parent) : QObject(parent) {}

QHotQmlObject::~QHotQmlObject()
{
    // Its code is in the library: it goes now, whatever else outlives us.
    delete m_object.data();
}

QHotQmlLibrary *QHotQmlObject::library() const
{
    return m_library.get();
}

void QHotQmlObject::setLibrary(QHotQmlLibrary *library)
{
    if (!m_library.follow(library, this, [this] {
            dropObject();
            setError(QStringLiteral("HotObject: the library of '%1' was destroyed").arg(m_factory));
        })) {
        return;
    }
    dropObject();
    if (library) {
        m_library << connect(library, &QHotQmlLibrary::aboutToReload, this, &QHotQmlObject::keepValues)
                  << connect(library, &QHotQmlLibrary::reloaded, this, &QHotQmlObject::replace)
                  << connect(library, &QHotQmlLibrary::reloadFailed, this, [this] {
                         // The swap announced is off: the object stays as it is.
                         m_saved.clear();
                         m_notKept.clear();
                     })
                  << connect(library, &QHotQmlLibrary::loadedChanged, this, [this] {
                         if (m_library->isLoaded())
                             make();
                         else
                             dropObject();
                     });
    }
    Q_EMIT libraryChanged();
    make();
}

QString QHotQmlObject::factory() const
{
    return m_factory;
}

void QHotQmlObject::setFactory(const QString &name)
{
    if (name == m_factory)
        return;
    m_factory = name;
    // Another class, perhaps: nothing of the old object's is carried.
    dropObject();
    Q_EMIT factoryChanged();
    make();
}

QObject *QHotQmlObject::object() const
{
    return m_object;
}

QString QHotQmlObject::errorString() const
{
    return m_error;
}

void QHotQmlObject::classBegin()
{
    m_complete = false;
}

void QHotQmlObject::componentComplete()
{
    m_complete = true;
    make();
}

QString QHotQmlObject::describe() const
{
    const QHotQmlLibrary *library = m_library.get();
    const QString file = library ? QDir::toNativeSeparators(library->fileName()) : QString();
    return QStringLiteral("HotObject: the factory '%1' of %2").arg(m_factory, file);
}

void QHotQmlObject::setError(const QString &error, bool warn)
{
    if (error == m_error)
        return;
    m_error = error;
    if (warn && !error.isEmpty())
        qCWarning(lcQml).noquote() << error;
    Q_EMIT errorStringChanged();
}

// The running version's factory called, or nullptr with \a why: a sentence
// naming the library and the factory.
QObject *QHotQmlObject::callFactory(QString *why)
{
    QHotQmlLibrary *library = m_library.get();
    QString notFound;
    ObjectFactory *make = nullptr;
    if (library->isLinkedIn()) {
        // Hot reload off: the linked-in function, called once.
        const QHotReload::Abi::Manifest *manifest = QHotReload::Detail::linkedLibrary(library->fileName());
        make = findFactory<ObjectFactory>(manifest, m_factory, FactoryKind, &notFound);
    } else {
        make = findFactory<ObjectFactory>(library->library(), m_factory, FactoryKind, &notFound);
    }
    if (!make) {
        *why = QStringLiteral("HotObject: %1 %2").arg(QDir::toNativeSeparators(library->fileName()), notFound);
        return nullptr;
    }
    QObject *made = nullptr;
    try {
        made = make(this);
    } catch (const std::exception &e) {
        *why = QStringLiteral("%1 threw: %2").arg(describe(), QString::fromLocal8Bit(e.what()));
        return nullptr;
    } catch (...) {
        *why = QStringLiteral("%1 threw an unknown exception").arg(describe());
        return nullptr;
    }
    if (!made) {
        *why = QStringLiteral("%1 returned no object").arg(describe());
        return nullptr;
    }
    // Ours, whatever parent the factory gave it, and never QML's to collect.
    if (made->parent() != this)
        made->setParent(this);
    QQmlEngine::setObjectOwnership(made, QQmlEngine::CppOwnership);
    return made;
}

// The first object, once library and factory are there and it is loaded.
void QHotQmlObject::make()
{
    if (!m_complete || m_object)
        return;
    QHotQmlLibrary *library = m_library.get();
    if (!library) {
        setError(QStringLiteral("HotObject: no library is set"), false);
        return;
    }
    if (m_factory.isEmpty()) {
        setError(QStringLiteral("HotObject: no factory is set for %1")
                         .arg(QDir::toNativeSeparators(library->fileName())),
                 false);
        return;
    }
    if (!library->isLoaded()) {
        // Not a warning: HotLibrary says why it is not loaded itself.
        setError(QStringLiteral("%1: %2 is not loaded").arg(describe(), library->fileName()), false);
        return;
    }
    QString why;
    QObject *made = callFactory(&why);
    if (!made) {
        setError(why);
        return;
    }
    m_object = made;
    m_module = library->isLinkedIn() ? nullptr : loadedModule(library->library());
    m_version = library->version();
    setError(QString());
    qCDebug(lcQml) << "HotObject made" << made << "with" << m_factory << "of version" << library->version();
    Q_EMIT objectChanged();
}

// aboutToReload: the old version's code is still live; what its object holds
// is read now, copied out of it.
void QHotQmlObject::keepValues()
{
    m_saved.clear();
    m_notKept.clear();
    if (!m_object)
        return;
    m_saved = carriedProperties(m_object.data(), &QObject::staticMetaObject, m_module, &m_notKept);
    // Not a leftover of the retired version: replace() deletes it.
    deletedAfterSwap(m_object.data());
    for (const QString &problem : std::as_const(m_notKept))
        qCWarning(lcQml).noquote() << "HotObject:" << problem;
}

// reloaded: the new version's object, with the old one's values; the old
// object goes once bindings have the new one.
void QHotQmlObject::replace()
{
    QStringList notKept = std::exchange(m_notKept, {});
    const QVariantMap saved = std::exchange(m_saved, {});
    // The first version after a failed load: loadedChanged may have made it already.
    if (!m_complete || !m_library.get() || m_factory.isEmpty() || (m_object && m_version == m_library->version()))
        return;
    QString why;
    QObject *made = callFactory(&why);
    if (!made) {
        // The old object stays, its version mapped; the next version that
        // has the factory replaces it.
        setError(m_object ? QStringLiteral("%1; the object of the earlier version is kept").arg(why) : why);
        return;
    }
    // Logged once each by assignFromVariantMap() itself.
    notKept += QHotReload::assignFromVariantMap(made, saved, &QObject::staticMetaObject);
    QObject *old = m_object;
    m_object = made;
    m_module = loadedModule(m_library->library());
    m_version = m_library->version();
    setError(notKept.isEmpty() ? QString()
                               : QStringLiteral("%1: not kept at version %2: %3")
                                         .arg(describe())
                                         .arg(m_library->version())
                                         .arg(notKept.join(QStringLiteral("; "))),
             false);
    qCDebug(lcQml) << "HotObject replaced" << old << "with" << made << "of version" << m_library->version();
    Q_EMIT objectChanged();
    // Now, not deleteLater(): its version may be unloaded before the event loop runs.
    delete old;
}

void QHotQmlObject::dropObject()
{
    m_saved.clear();
    m_notKept.clear();
    m_module = nullptr;
    m_version = 0;
    if (!m_object)
        return;
    QObject *old = m_object;
    m_object = nullptr;
    Q_EMIT objectChanged();
    delete old;
}
