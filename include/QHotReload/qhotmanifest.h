// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QHOTMANIFEST_H
#define QHOTRELOAD_QHOTMANIFEST_H

// What a hot library tells the application about itself, and how it says it.
//
// A hot library lists its hot functions once, in one of its .cpp files:
//
//     #include <QHotReload/QHotManifest>
//     #include "logic.h"
//     QHOT_LIBRARY(game::step, game::render, answer);
//
// That defines the one symbol the library exports, a C function returning a
// versioned manifest: per function its qualified name, its signature (string
// and hash, made at compile time), its address, and the size and alignment of
// every type its signature names. The functions themselves stay ordinary C++
// functions, in any namespace, with hidden visibility.
//
// Nothing here needs the QHotReload runtime: a hot library includes this
// header and links QtCore only. With QHOTRELOAD_STATIC defined (hot reload
// switched off at configure time) QHOT_LIBRARY exports nothing: see there.

#include <QHotReload/detail/manifest.h>

#include <QtCore/QCoreApplication>
#include <QtCore/QObject>

namespace QHotReload {

//! Opt-in field list of a type, for layout checks finer than size and
//! alignment. Specialize with QHOT_DESCRIBE_TYPE.
template <typename T> struct TypeFields
{
    static constexpr const char *(*describe)() = nullptr;
};

/*!
    The QObject that owns the running version's objects. Library code parents
    its QObjects (timers, helpers, models) to it, or passes it as the context
    of its connections, and they are deleted — the connections broken — before
    this version is unloaded, while its code is still there to run their
    destructors. Never nullptr on the library's thread once a QCoreApplication
    exists (with hot reload off it lives as long as the application).
*/
inline QObject *versionRoot()
{
    // Not loaded through QHotLibrary (hot reload off, or a plain link): the
    // application's lifetime is the version's lifetime.
    if (!detail::VersionRoot<>::object && QCoreApplication::instance())
        detail::VersionRoot<>::object = new QObject(QCoreApplication::instance());
    return detail::VersionRoot<>::object;
}

/*!
    Makes \a object (made by library code) belong to the running version: it
    is deleted before the version is unloaded. Returns \a object.
*/
template <typename T> T *adopt(T *object)
{
    object->setParent(versionRoot());
    return object;
}

/*!
    QObject::connect for library code: \a functor (a lambda whose code lives
    in the library) is disconnected before the version that made it is
    unloaded, so a host signal never calls into unloaded code.
*/
template <typename Sender, typename Signal, typename Functor>
QMetaObject::Connection connect(const Sender *sender, Signal signal, Functor &&functor,
                                Qt::ConnectionType type = Qt::AutoConnection)
{
    return QObject::connect(sender, signal, versionRoot(), std::forward<Functor>(functor), type);
}

} // namespace QHotReload

#if defined(QHOTRELOAD_STATIC)
#  define QHOTRELOAD_ENABLED 0
#  define QHOT_LIBRARY_STATE(save, restore) static_assert(true, "")
#  if defined(QHOTRELOAD_LIBRARY_ID)
// Hot reload is off and qhot_add_library() named the library: the same
// manifest under a name of its own (qhotreload_linked_manifest_<target>), not
// exported. Only an application that links QHotReload::Qml refers to it (a
// source qhot_link_library() adds), so that QML's HotLibrary finds the linked-in
// functions by name; a C++ application calls them directly and never reads it.
#    define QHOT_LIBRARY(...)                                                                     \
      extern "C" QHOT_DETAIL_MANIFEST_FUNCTION(                                                   \
          QHOT_DETAIL_CAT(qhotreload_linked_manifest_, QHOTRELOAD_LIBRARY_ID), __VA_ARGS__)
#  else
#    define QHOT_LIBRARY(...) static_assert(true, "")
#  endif
#else
/*!
    Declares the library's state hooks: before a swap the running version's
    \a save (QVariant()) returns its own state (caches, counters, registries);
    after the swap the new version's \a restore (bool(const QVariant &))
    receives it. If \a restore returns false or throws, the value is kept and
    offered again at the next reload. Use it once, next to QHOT_LIBRARY.
*/
#  define QHOT_LIBRARY_STATE(save, restore)                                                       \
    namespace {                                                                                   \
    [[maybe_unused]] const bool qhotStateHooksRegistered =                                        \
        ::QHotReload::detail::StateHooks<>::install(save, restore);                               \
    }                                                                                             \
    static_assert(true, "")
#  define QHOTRELOAD_ENABLED 1
/*!
    Lists a hot library's functions (qualified names, any namespace) and
    defines the manifest the application checks at each load. Use it once per
    library, in one .cpp file, at global scope. Up to 32 functions. With hot
    reload off (QHOTRELOAD_STATIC) the library is linked in and nothing is
    exported; a QML application still reaches the listed functions by name
    through HotLibrary.
*/
#  define QHOT_LIBRARY(...)                                                                       \
    extern "C" Q_DECL_EXPORT QHOT_DETAIL_MANIFEST_FUNCTION(qhotreload_manifest_v1, __VA_ARGS__)
#endif

/*!
    Adds a field list to the layout check of \a Type (a struct named in a hot
    function's signature): each listed field's name, type (as the compiler
    spells it) and offset. A version whose list differs from the running
    application's is refused with reloadFailed naming the type and each field
    that was added, removed, retyped or moved, even when the size stayed the
    same. List the public data members that cross between app and library;
    put it in the header both include, at global scope, after the type.

    A type described on one side only (the description added to or removed
    from the header while the application runs) is checked as an undescribed
    one is, by size and alignment; the qhotreload.loader log says so.
*/
#define QHOT_DESCRIBE_TYPE(Type, ...)                                                             \
    template <> struct QHotReload::TypeFields<Type>                                               \
    {                                                                                             \
        static const char *describe()                                                             \
        {                                                                                         \
            using Self = Type;                                                                    \
            static const std::string text = [] {                                                  \
                std::string s;                                                                    \
                QHOT_DETAIL_FOR_EACH(QHOT_DETAIL_FIELD, __VA_ARGS__)                              \
                return s;                                                                         \
            }();                                                                                  \
            return text.c_str();                                                                  \
        }                                                                                         \
    }

#endif // QHOTRELOAD_QHOTMANIFEST_H
