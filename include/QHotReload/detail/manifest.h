// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_DETAIL_MANIFEST_H
#define QHOTRELOAD_DETAIL_MANIFEST_H

// Not API: machinery of QHotReload's public headers, included by them. Its
// names may change in any release; include the public headers instead.
//
// What QHOT_LIBRARY and QHotFunction are made of: a function's signature and
// the layouts of its types, spelled and hashed at compile time, and the
// manifest's body.

#include <QHotReload/detail/abi.h>
#include <QHotReload/detail/foreach.h>

#include <QtCore/QMetaType>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace QHotReload {

// Defined in qhotmanifest.h (QHOT_DESCRIBE_TYPE specializes it).
template <typename T> struct TypeFields;

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

} // namespace QHotReload

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

#endif // QHOTRELOAD_DETAIL_MANIFEST_H
