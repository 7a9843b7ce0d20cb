// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_REDIRECT_P_H
#define QHOTRELOAD_REDIRECT_P_H

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>
#include <QtCore/QSet>
#include <QtCore/QString>

#include <memory>
#include <vector>

namespace QHotReload::Internal {

struct LoadedVersion;

/*!
    Whether the function with the mangled name \a name may be redirected from
    a retired version to the newest one (the README's rule, "Stale entry
    points"): a function at namespace scope, not a member of a class, not in
    a local or unnamed class (lambdas), not a template, whose every parameter
    is a builtin type, a Qt value type, or a pointer or reference to one of
    those. \a namespaces holds the scopes (mangled source names joined by
    "::") the library's own symbols prove to be namespaces (see
    provenNamespaces()); \a plainFunction says the function is known not to
    be a non-static member (the manifest lists its address as a plain
    function pointer), which proves its scope harmless as well.
*/
bool mayRedirect(QByteArrayView name, const QSet<QByteArray> &namespaces, bool plainFunction);

/*!
    The scopes of \a names that are namespaces for certain: those that
    enclose an unnamed namespace (a class cannot), and the unnamed
    namespaces themselves.
*/
QSet<QByteArray> provenNamespaces(const std::vector<QByteArray> &names);

//! What one redirection did.
struct RedirectCount
{
    int functions = 0;  //!< entry points now jumping to the newest version
    int versions = 0;   //!< retired versions still mapped that were looked at
    int skipped = 0;    //!< counterparts found that could not be patched safely
};

/*!
    Points the entry points of retired versions at the newest version's
    functions of the same mangled name (x86-64 Linux; elsewhere it does
    nothing), so a function pointer, a timer or connection slot or a message
    handler the application kept into an old version runs the new code. One
    hop: every retired version jumps straight to the newest. Each patch is a
    5-byte jmp written with one aligned 8-byte atomic store, so a thread
    running the function meanwhile runs either the old body to its end or
    the new one; a function where that is impossible is skipped and counted.
*/
class Redirector
{
public:
    Redirector();
    ~Redirector();
    Q_DISABLE_COPY_MOVE(Redirector)

    //! Whether this platform and architecture can redirect at all.
    static bool isSupported();

    /*!
        At a swap, before \a outgoing is retired (its file must still be
        there): redirects every retired version still mapped, and
        \a outgoing, to \a incoming. A function redirected before that has
        no counterpart in \a incoming any more runs its own code again
        (never a jump into a version that may be unloaded). \a libraryPath
        names the library in the one warning about a stripped copy.
    */
    RedirectCount redirect(const LoadedVersion &outgoing, const LoadedVersion &incoming,
                           const QString &libraryPath);

    /*!
        Undoes every redirection of the versions still mapped: called when
        the newest version is itself retired without a successor (the
        library is unloaded), so nothing jumps into a copy that may go.
        Returns how many entry points were put back.
    */
    int restoreAll();

    //! Whether the function entry point at \a address of a retired copy jumps to the newest version.
    bool isRedirected(quintptr address) const;

private:
    struct Image;
    struct Source;
    std::shared_ptr<Image> imageOf(const LoadedVersion &version, const QString &libraryPath);

    std::vector<std::unique_ptr<Source>> m_sources;
    std::shared_ptr<Image> m_newest;
    bool m_warnedStripped = false;
};

} // namespace QHotReload::Internal

#endif
