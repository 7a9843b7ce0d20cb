// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QHOTMODULE_H
#define QHOTRELOAD_QHOTMODULE_H

// The application's side of hot functions: callables with the library's names
// and exact signatures, generated at compile time from the library's header.
//
//     #include <QHotReload/QHotModule>
//     #include "logic.h"                        // declarations only: no link dependency
//
//     QHOT_MODULE(hot_logic, QHOT_LIBRARY_FILE_logic, step, render);  // global functions
//
//     namespace hot_game {                      // functions in namespaces, renamed at will
//     QHOT_MODULE_LIBRARY(QHOT_LIBRARY_FILE_game);
//     QHOT_FUNCTION(step, game::step);
//     QHOT_FUNCTION(valueA, a::value);
//     }
//
//     hot_logic::step(state);                   // reads like the plain call
//
// A call on the library's thread is one indirect call through a pointer that
// each swap refreshes. A call from any other thread is run on the library's
// thread and blocks until it returns (QHotModule::setMarshalTimeout()).
//
// With QHOTRELOAD_STATIC defined (hot reload switched off at configure time)
// the callables are references to the plain functions: the compiler emits a
// direct call, and no QHotReload runtime is linked.

#include <QHotReload/qhotmanifest.h>

#if !defined(QHOTRELOAD_STATIC)

#include <QHotReload/detail/ownership.h>
#include <QHotReload/qhotlibrary.h>

#include <QtCore/QThread>

#include <atomic>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string_view>

class QHotModulePrivate;
template <typename Signature> class QHotFunction;

/*!
    \class QHotCallError
    \brief Thrown by a hot function that could not be called at all.

    Either no version of the library could be loaded, or a call made from
    another thread was not picked up by the library's thread within the
    module's marshal timeout (that thread runs no event loop, or it is itself
    waiting for the calling thread). The hot function was not entered. what()
    names the function and the cause.
*/
class QHOTRELOAD_CORE_EXPORT QHotCallError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
    ~QHotCallError() override;
};

/*!
    \class QHotModule
    \brief The hot functions of one library, as the application declared them.

    Made by QHOT_MODULE / QHOT_MODULE_LIBRARY; reach it as \c ns::hotModule().
    It owns the QHotLibrary (created on first use, on the application's main
    thread, and destroyed with the QCoreApplication). Every version is checked
    against the declared functions before it is taken: each must be present
    with the same signature, and each type a signature names must keep its
    layout; otherwise the version is refused (reloadFailed) and the old one
    keeps running. While a hot function runs on the library's thread (for
    instance a dialog's exec() inside it), a swap waits until it returns.
*/
class QHOTRELOAD_CORE_EXPORT QHotModule
{
public:
    explicit QHotModule(const char *libraryName);
    ~QHotModule();
    Q_DISABLE_COPY_MOVE(QHotModule)

    /*!
        The library, created on first use (on the main thread; from another
        thread the creation is run there). nullptr before a QCoreApplication
        exists and after it is gone.
    */
    QHotLibrary *library();

    /*!
        Returns true when a version of the library is loaded. Unlike load(),
        it loads nothing. With hot reload off it always returns true: the
        functions are linked in.
    */
    bool isLoaded() const;

    /*!
        Loads the library if it is not loaded yet. Call it at start-up on the
        main thread to show a clear error rather than meet a QHotCallError at
        the first call. Returns false with the reason in errorString().
    */
    bool load();
    QString errorString() const;

    //! How long a call from another thread waits to be picked up (default 10 s).
    int marshalTimeout() const;
    void setMarshalTimeout(int msecs);

    //! \internal One declared function; the library writes its address.
    struct Slot
    {
        const char *name;
        std::string_view signature;
        quint64 signatureHash;
        const QHotReload::Abi::TypeInfo *types;
        quint32 typeCount;
        QFunctionPointer *target;
        std::atomic<Qt::HANDLE> *owner; // the thread whose calls go straight through, or null
        int *depth;                     // calls of this function on that thread's stack
        Slot *next;                     // the function of this module declared before this one
    };

private:
    template <typename Signature> friend class QHotFunction;
    friend class QHotModulePrivate;

    struct CallScope
    {
        explicit CallScope(int &d) noexcept : depth(d) { ++depth; }
        ~CallScope() { --depth; }
        int &depth;
    };

    //! Opens (the library's thread) or closes (null) the straight call path of every function.
    void setOwner(Qt::HANDLE owner);

    /*!
        Runs \a thunk on the library's thread with the library loaded, or
        throws QHotCallError. Returns false if the crash guard caught a crash
        in it (the library then rolls back).
    */
    bool runOnOwner(void (*thunk)(void *), void *context, const char *functionName);
    [[noreturn]] static void throwCrashed(const char *functionName);

    // The declared functions, the last declared first: each QHotFunction puts
    // its slot here during static initialization (no call, no allocation);
    // the module hands the list to its library when it first meets it.
    Slot *m_lastSlot = nullptr;
    std::unique_ptr<QHotModulePrivate> d;
};

/*!
    \class QHotFunction
    \brief A callable with exactly the signature of a hot library's function.
*/
template <typename R, typename... A>
class QHotFunction<R(A...)>
{
    using Traits = QHotReload::detail::FunctionTraits<R(A...)>;

public:
    QHotFunction(QHotModule &module, const char *name) noexcept
        : m_module(&module)
        , m_slot{QHotReload::detail::plainName(name), Traits::signature, Traits::signatureHash, Traits::types,
                 Traits::typeCount, &m_function,        &m_owner,              &m_depth,
                 module.m_lastSlot}
    {
        module.m_lastSlot = &m_slot;
    }
    Q_DISABLE_COPY_MOVE(QHotFunction)

    R operator()(A... args) const
    {
        if (Q_LIKELY(m_owner.load(std::memory_order_relaxed) == QThread::currentThreadId()))
            return callDirect(std::forward<A>(args)...);
        return slowCall(std::forward<A>(args)...);
    }

    //! The qualified name of the library's function, without a leading "::".
    const char *name() const noexcept { return m_slot.name; }

private:
    template <typename F> static void thunk(void *f) { (*static_cast<F *>(f))(); }

    // The straight path's body, for the module to run on the library's thread.
    R callDirect(A... args) const
    {
        QHotModule::CallScope scope(m_depth);
        if constexpr (QHotReload::detail::MayPointIntoLibrary<R>::value) {
            // Strings the library returns may be its literals: copy them
            // out before its version can be unloaded.
            R result = reinterpret_cast<R (*)(A...)>(m_function)(std::forward<A>(args)...);
            QHotReload::detail::takeOwnership(result);
            return result;
        } else {
            return reinterpret_cast<R (*)(A...)>(m_function)(std::forward<A>(args)...);
        }
    }

    // Not loaded yet, called from another thread, or under the crash guard:
    // the module runs the call on the library's thread. It returns false only
    // when the crash guard caught a crash in the call: then the result is a
    // default value (void: nothing), or QHotCallError if there is none.
    R slowCall(A... args) const
    {
        if constexpr (std::is_void_v<R>) {
            auto call = [&] { callDirect(std::forward<A>(args)...); };
            m_module->runOnOwner(&thunk<decltype(call)>, &call, m_slot.name);
        } else if constexpr (std::is_reference_v<R>) {
            std::remove_reference_t<R> *result = nullptr;
            auto call = [&] { result = &callDirect(std::forward<A>(args)...); };
            if (!m_module->runOnOwner(&thunk<decltype(call)>, &call, m_slot.name))
                QHotModule::throwCrashed(m_slot.name);
            return static_cast<R>(*result);
        } else {
            std::optional<R> result;
            auto call = [&] { result.emplace(callDirect(std::forward<A>(args)...)); };
            if (!m_module->runOnOwner(&thunk<decltype(call)>, &call, m_slot.name)) {
                if constexpr (std::is_default_constructible_v<R>)
                    return R{};
                else
                    QHotModule::throwCrashed(m_slot.name);
            }
            return std::move(*result);
        }
    }

    // What every call reads, side by side: the thread whose calls go straight
    // through (null while nothing is loaded or the crash guard is on), the
    // call depth on it (a swap waits for 0), and the function in this version.
    std::atomic<Qt::HANDLE> m_owner{nullptr};
    mutable int m_depth = 0;
    QFunctionPointer m_function = nullptr;
    QHotModule *m_module;
    QHotModule::Slot m_slot;
};

/*!
    Declares \a name, a callable with the signature of the library's
    \a function (qualified as the library declares it), in the module that
    QHOT_MODULE_LIBRARY declared in the same namespace. With hot reload off
    it is a reference to \a function itself.
*/
#define QHOT_FUNCTION(name, function)                                                             \
    inline QHotFunction<decltype(function)> name { hotModule(), #function }

#define QHOT_DETAIL_GLOBAL_FUNCTION(function) QHOT_FUNCTION(function, ::function);
#define QHOT_DETAIL_SCOPED_FUNCTION(scope, function) QHOT_FUNCTION(function, ::scope::function);

#else // QHOTRELOAD_STATIC

#include <cstddef>

class QHotLibrary;

// Hot reload is off: the callables are the plain functions, and what a hot
// build writes about the library compiles and does nothing.
class QHotModule
{
public:
    explicit constexpr QHotModule(const char *) noexcept {}
    /*!
        There is no library to follow: nullptr, of type std::nullptr_t, so
        that QHotReloadIndicator::attachOverlay(window, module.library()) and
        the like pick their inline do-nothing overloads and link nothing.
    */
    static constexpr std::nullptr_t library() noexcept { return nullptr; }
    //! The functions are linked in: always true.
    static constexpr bool isLoaded() noexcept { return true; }
    static constexpr bool load() noexcept { return true; }
    static QString errorString() { return {}; }
    static constexpr int marshalTimeout() noexcept { return 0; }
    static constexpr void setMarshalTimeout(int) noexcept {}
};

// A reference to the function: a direct call once the optimizer runs (-O1).
#define QHOT_FUNCTION(name, function) inline constexpr auto &name = function

// Same names: the plain functions themselves, a direct call even at -O0.
#define QHOT_DETAIL_GLOBAL_FUNCTION(function) using ::function;
#define QHOT_DETAIL_SCOPED_FUNCTION(scope, function) using ::scope::function;

#endif // QHOTRELOAD_STATIC

/*!
    Declares \c hotModule() in the current namespace: the QHotModule of
    \a library (a path or a bare name, as QHotLibrary takes it), made on
    first use. QHOT_FUNCTION callables in the same namespace belong to it.
    One definition for both builds: with hot reload off, QHotModule is a
    class that does nothing and this static is initialized at compile time.
*/
#define QHOT_MODULE_LIBRARY(library)                                                              \
    inline QHotModule &hotModule()                                                                \
    {                                                                                             \
        static QHotModule module(library);                                                        \
        return module;                                                                            \
    }                                                                                             \
    static_assert(true, "")

/*!
    Declares namespace \a ns with the module of \a library (a path or a bare
    name, as QHotLibrary takes it) and a callable for each of the global
    functions listed after it.
*/
#define QHOT_MODULE(ns, library, ...)                                                             \
    namespace ns {                                                                                \
    QHOT_MODULE_LIBRARY(library);                                                                 \
    QHOT_DETAIL_FOR_EACH(QHOT_DETAIL_GLOBAL_FUNCTION, __VA_ARGS__)                                \
    }                                                                                             \
    static_assert(true, "")

/*!
    As QHOT_MODULE (namespace \a ns, the module of \a library), for functions
    that live in namespace \a scope of the library.
*/
#define QHOT_MODULE_SCOPED(ns, library, scope, ...)                                               \
    namespace ns {                                                                                \
    QHOT_MODULE_LIBRARY(library);                                                                 \
    QHOT_DETAIL_FOR_EACH_WITH(QHOT_DETAIL_SCOPED_FUNCTION, scope, __VA_ARGS__)                    \
    }                                                                                             \
    static_assert(true, "")

#endif // QHOTRELOAD_QHOTMODULE_H
