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

#include <QtCore/QCoreApplication>
#include <QtCore/QMetaType>
#include <QtCore/QObject>
#include <QtCore/QVariant>
#include <QtCore/qglobal.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace QHotReload {

namespace Abi {

constexpr quint32 ManifestMagic = 0x54484f51; // "QOHT"
constexpr quint32 ManifestVersion = 1;

//! The name of the one symbol a hot library exports.
#define QHOTRELOAD_MANIFEST_SYMBOL "qhotreload_manifest_v1"

//! One type named in a hot function's signature (the pointee of a pointer or reference).
struct TypeInfo
{
    const char *name;          // as the compiler spells it: "game::State"
    quint32 nameLength;
    quint32 metaTypeId;        // built-in QMetaType of the value type, or 0 (not callable through call())
    quint64 size;              // 0 for void and incomplete types
    quint64 alignment;
    const char *(*fields)();   // optional field list "name:type@offset;..." (QHOT_DESCRIBE_TYPE)
};

//! One hot function.
struct FunctionInfo
{
    const char *name;          // qualified, as listed: "game::step"
    const char *signature;     // as the compiler spells the function type: "void(game::State&)"
    quint32 signatureLength;
    quint64 signatureHash;     // FNV-1a of the signature
    void (*address)();
    const TypeInfo *types;     // [0] the return type, then each argument
    quint32 typeCount;
    bool (*invoke)(void *result, void **arguments); // for QHotLibrary::call()
};

//! What qhotreload_manifest_v1() returns. Fields are only ever added at the end.
struct Manifest
{
    quint32 magic;
    quint32 version;
    quint32 structSize;        // sizeof(Manifest) in the library
    quint32 functionCount;
    const FunctionInfo *functions;
    const char *compiler;      // signatures compare only between the same compiler
    QVariant (*saveState)();                     // optional state hooks
    bool (*restoreState)(const QVariant &state);
    QObject **versionRoot;     // set by the application: the parent of this version's objects
};

} // namespace Abi

//! Opt-in field list of a type, for layout checks finer than size and
//! alignment. Specialize with QHOT_DESCRIBE_TYPE.
template <typename T> struct TypeFields
{
    static constexpr const char *(*describe)() = nullptr;
};

namespace detail {

template <typename T> constexpr const char *rawName()
{
#if defined(_MSC_VER) && !defined(__clang__)
    return __FUNCSIG__;
#else
    return __PRETTY_FUNCTION__;
#endif
}

//! The compiler's spelling of T, cut out of rawName<T>() at compile time.
template <typename T> constexpr std::string_view typeName()
{
    constexpr std::string_view raw = rawName<T>();
#if defined(_MSC_VER) && !defined(__clang__)
    // "const char *__cdecl QHotReload::detail::rawName<TYPE>(void)"
    constexpr std::size_t begin = raw.find("rawName<") + 8;
    constexpr std::size_t end = raw.rfind(">(void)");
#else
    // GCC: "... rawName() [with T = TYPE]", Clang: "... rawName() [T = TYPE]"
    constexpr std::size_t begin = raw.find("T = ") + 4;
    constexpr std::size_t end = raw.rfind(']');
#endif
    return raw.substr(begin, end - begin);
}

constexpr quint64 fnv1a(std::string_view text)
{
    quint64 hash = 14695981039346656037ull;
    for (char c : text) {
        hash ^= quint64(static_cast<unsigned char>(c));
        hash *= 1099511628211ull;
    }
    return hash;
}

constexpr const char *compilerId()
{
#if defined(__clang__)
    return "clang " __clang_version__;
#elif defined(__GNUC__)
    return "gcc " __VERSION__;
#elif defined(_MSC_VER)
    return "msvc " QT_STRINGIFY(_MSC_VER);
#else
    return "unknown";
#endif
}

template <typename T, typename = void> struct IsComplete : std::false_type {};
template <typename T> struct IsComplete<T, std::void_t<decltype(sizeof(T))>> : std::true_type {};

// The type whose layout matters for T: what a reference or pointer points to.
template <typename T>
using LayoutType = std::remove_cv_t<std::remove_pointer_t<std::remove_cv_t<std::remove_reference_t<T>>>>;

template <typename T> constexpr quint32 builtinMetaTypeId()
{
    using V = std::remove_cv_t<std::remove_reference_t<T>>;
    if constexpr (std::is_void_v<V>) {
        return QMetaType::Void;
    } else if constexpr (std::is_pointer_v<V> || !IsComplete<V>::value) {
        return 0;
    } else if constexpr (QMetaTypeId2<V>::IsBuiltIn) {
        return quint32(QMetaTypeId2<V>::MetaType);
    } else {
        return 0;
    }
}

template <typename T> constexpr Abi::TypeInfo typeInfo()
{
    using L = LayoutType<T>;
    constexpr std::string_view name = typeName<L>();
    if constexpr (std::is_void_v<L> || std::is_function_v<L> || !IsComplete<L>::value) {
        return {name.data(), quint32(name.size()), builtinMetaTypeId<T>(), 0, 0, nullptr};
    } else {
        return {name.data(), quint32(name.size()), builtinMetaTypeId<T>(), sizeof(L), alignof(L),
                TypeFields<L>::describe};
    }
}

template <typename Signature> struct FunctionTraits;
template <typename R, typename... A> struct FunctionTraits<R(A...)>
{
    static constexpr std::string_view signature = typeName<R(A...)>();
    static constexpr quint64 signatureHash = fnv1a(signature);
    static constexpr Abi::TypeInfo types[] = {typeInfo<R>(), typeInfo<A>()...};
    static constexpr quint32 typeCount = quint32(sizeof...(A) + 1);
};
template <typename R, typename... A> struct FunctionTraits<R (*)(A...)> : FunctionTraits<R(A...)> {};

// Calls Fn with arguments that point at values of the argument types, and
// assigns the result to *result; the host made both with QMetaType.
template <auto Fn, typename R, typename... A, std::size_t... I>
bool invokeWith(void *result, void **arguments, R (*)(A...), std::index_sequence<I...>)
{
    if constexpr (((builtinMetaTypeId<A>() == 0) || ...) || (!std::is_void_v<R> && builtinMetaTypeId<R>() == 0)) {
        Q_UNUSED(result);
        Q_UNUSED(arguments);
        return false;
    } else if constexpr (std::is_void_v<R>) {
        Q_UNUSED(result);
        Fn(std::forward<A>(*static_cast<std::remove_reference_t<A> *>(arguments[I]))...);
        return true;
    } else {
        *static_cast<std::remove_cv_t<std::remove_reference_t<R>> *>(result) =
                Fn(std::forward<A>(*static_cast<std::remove_reference_t<A> *>(arguments[I]))...);
        return true;
    }
}

template <auto Fn> bool invoke(void *result, void **arguments)
{
    return invokeWith<Fn>(result, arguments, Fn,
                          std::make_index_sequence<FunctionTraits<decltype(Fn)>::typeCount - 1>());
}

/*!
    \a name as messages show it and manifests match it: without the leading
    "::" (and blanks) that a stringized \c{::scope::fn} has. Both sides of a
    manifest store names through this, so they agree.
*/
constexpr const char *plainName(const char *name)
{
    while (*name == ' ')
        ++name;
    if (name[0] == ':' && name[1] == ':')
        name += 2;
    while (*name == ' ')
        ++name;
    return name;
}

template <auto Fn> constexpr Abi::FunctionInfo functionInfo(const char *name)
{
    using Traits = FunctionTraits<decltype(Fn)>;
    return {plainName(name),
            Traits::signature.data(),
            quint32(Traits::signature.size()),
            Traits::signatureHash,
            reinterpret_cast<void (*)()>(Fn),
            Traits::types,
            Traits::typeCount,
            &invoke<Fn>};
}

// Where QHOT_LIBRARY_STATE puts the hooks for the manifest to find. Set during
// the library's static initialization, before the manifest is first read.
template <typename = void> struct StateHooks
{
    static inline QVariant (*save)() = nullptr;
    static inline bool (*restore)(const QVariant &) = nullptr;
    static bool install(QVariant (*s)(), bool (*r)(const QVariant &))
    {
        save = s;
        restore = r;
        return true;
    }
};

// The QObject that owns this version's objects; the application writes it
// through the manifest when it takes the version, and deletes it (and with it
// every child and every connection made with it as context) before unloading.
template <typename = void> struct VersionRoot
{
    static inline QObject *object = nullptr;
};

// Field list for QHOT_DESCRIBE_TYPE: "name:type@offset;..."
inline void appendField(std::string &out, const char *name, std::string_view type, std::size_t offset)
{
    out += name;
    out += ':';
    out += type;
    out += '@';
    out += std::to_string(offset);
    out += ';';
}

} // namespace detail

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

#define QHOT_DETAIL_EXPAND(x) x
#define QHOT_DETAIL_FE_1(m, x) m(x)
#define QHOT_DETAIL_FE_2(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_1(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_3(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_2(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_4(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_3(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_5(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_4(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_6(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_5(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_7(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_6(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_8(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_7(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_9(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_8(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_10(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_9(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_11(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_10(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_12(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_11(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_13(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_12(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_14(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_13(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_15(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_14(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_16(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_15(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_17(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_16(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_18(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_17(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_19(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_18(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_20(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_19(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_21(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_20(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_22(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_21(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_23(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_22(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_24(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_23(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_25(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_24(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_26(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_25(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_27(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_26(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_28(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_27(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_29(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_28(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_30(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_29(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_31(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_30(m, __VA_ARGS__))
#define QHOT_DETAIL_FE_32(m, x, ...) m(x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FE_31(m, __VA_ARGS__))
#define QHOT_DETAIL_PICK(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18, _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29, _30, _31, _32, NAME, ...) NAME
#define QHOT_DETAIL_FOR_EACH(m, ...) \
    QHOT_DETAIL_EXPAND(QHOT_DETAIL_PICK(__VA_ARGS__, QHOT_DETAIL_FE_32, QHOT_DETAIL_FE_31, QHOT_DETAIL_FE_30, QHOT_DETAIL_FE_29, QHOT_DETAIL_FE_28, QHOT_DETAIL_FE_27, QHOT_DETAIL_FE_26, QHOT_DETAIL_FE_25, QHOT_DETAIL_FE_24, QHOT_DETAIL_FE_23, QHOT_DETAIL_FE_22, QHOT_DETAIL_FE_21, QHOT_DETAIL_FE_20, QHOT_DETAIL_FE_19, QHOT_DETAIL_FE_18, QHOT_DETAIL_FE_17, QHOT_DETAIL_FE_16, QHOT_DETAIL_FE_15, QHOT_DETAIL_FE_14, QHOT_DETAIL_FE_13, QHOT_DETAIL_FE_12, QHOT_DETAIL_FE_11, QHOT_DETAIL_FE_10, QHOT_DETAIL_FE_9, QHOT_DETAIL_FE_8, QHOT_DETAIL_FE_7, QHOT_DETAIL_FE_6, QHOT_DETAIL_FE_5, QHOT_DETAIL_FE_4, QHOT_DETAIL_FE_3, QHOT_DETAIL_FE_2, QHOT_DETAIL_FE_1, unused)(m, __VA_ARGS__))

#define QHOT_DETAIL_FED_1(m, d, x) m(d, x)
#define QHOT_DETAIL_FED_2(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_1(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_3(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_2(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_4(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_3(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_5(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_4(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_6(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_5(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_7(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_6(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_8(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_7(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_9(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_8(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_10(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_9(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_11(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_10(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_12(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_11(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_13(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_12(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_14(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_13(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_15(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_14(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_16(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_15(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_17(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_16(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_18(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_17(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_19(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_18(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_20(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_19(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_21(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_20(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_22(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_21(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_23(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_22(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_24(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_23(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_25(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_24(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_26(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_25(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_27(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_26(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_28(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_27(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_29(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_28(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_30(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_29(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_31(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_30(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FED_32(m, d, x, ...) m(d, x) QHOT_DETAIL_EXPAND(QHOT_DETAIL_FED_31(m, d, __VA_ARGS__))
#define QHOT_DETAIL_FOR_EACH_WITH(m, d, ...) \
    QHOT_DETAIL_EXPAND(QHOT_DETAIL_PICK(__VA_ARGS__, QHOT_DETAIL_FED_32, QHOT_DETAIL_FED_31, QHOT_DETAIL_FED_30, QHOT_DETAIL_FED_29, QHOT_DETAIL_FED_28, QHOT_DETAIL_FED_27, QHOT_DETAIL_FED_26, QHOT_DETAIL_FED_25, QHOT_DETAIL_FED_24, QHOT_DETAIL_FED_23, QHOT_DETAIL_FED_22, QHOT_DETAIL_FED_21, QHOT_DETAIL_FED_20, QHOT_DETAIL_FED_19, QHOT_DETAIL_FED_18, QHOT_DETAIL_FED_17, QHOT_DETAIL_FED_16, QHOT_DETAIL_FED_15, QHOT_DETAIL_FED_14, QHOT_DETAIL_FED_13, QHOT_DETAIL_FED_12, QHOT_DETAIL_FED_11, QHOT_DETAIL_FED_10, QHOT_DETAIL_FED_9, QHOT_DETAIL_FED_8, QHOT_DETAIL_FED_7, QHOT_DETAIL_FED_6, QHOT_DETAIL_FED_5, QHOT_DETAIL_FED_4, QHOT_DETAIL_FED_3, QHOT_DETAIL_FED_2, QHOT_DETAIL_FED_1, unused)(m, d, __VA_ARGS__))

#define QHOT_DETAIL_MANIFEST_ENTRY(fn) ::QHotReload::detail::functionInfo<&fn>(#fn),
#define QHOT_DETAIL_FIELD(field)                                                                      \
    ::QHotReload::detail::appendField(s, #field, ::QHotReload::detail::typeName<decltype(Self::field)>(), \
                                      offsetof(Self, field));

// The manifest's body: the function named \a symbol returns the versioned
// manifest of the functions listed.
#define QHOT_DETAIL_MANIFEST_FUNCTION(symbol, ...)                                                \
    const ::QHotReload::Abi::Manifest *symbol()                                                   \
    {                                                                                             \
        static const ::QHotReload::Abi::FunctionInfo functions[] = {                              \
            QHOT_DETAIL_FOR_EACH(QHOT_DETAIL_MANIFEST_ENTRY, __VA_ARGS__)};                       \
        static const ::QHotReload::Abi::Manifest manifest = {                                     \
            ::QHotReload::Abi::ManifestMagic,                                                     \
            ::QHotReload::Abi::ManifestVersion,                                                   \
            quint32(sizeof(::QHotReload::Abi::Manifest)),                                         \
            quint32(sizeof(functions) / sizeof(functions[0])),                                    \
            functions,                                                                            \
            ::QHotReload::detail::compilerId(),                                                   \
            ::QHotReload::detail::StateHooks<>::save,                                             \
            ::QHotReload::detail::StateHooks<>::restore,                                          \
            &::QHotReload::detail::VersionRoot<>::object};                                        \
        return &manifest;                                                                         \
    }                                                                                             \
    static_assert(true, "")
#define QHOT_DETAIL_CAT_(a, b) a##b
#define QHOT_DETAIL_CAT(a, b) QHOT_DETAIL_CAT_(a, b)

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
