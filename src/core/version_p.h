// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_VERSION_P_H
#define QHOTRELOAD_VERSION_P_H

#include "leftovers_p.h"
#include "manifest_p.h"
#include "pins_p.h"
#include "privatedir_p.h"
#include "tombstone_p.h"

#include <QtCore/QByteArray>
#include <QtCore/QLibrary>
#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QString>
#include <QtCore/QStringList>

#include <deque>
#include <memory>
#include <vector>

QT_BEGIN_NAMESPACE
class QThread;
QT_END_NAMESPACE

namespace QHotReload::Internal {

//! One loaded (or checked, waiting to be swapped in) private copy.
struct LoadedVersion
{
    std::unique_ptr<QLibrary> library;
    QString copyPath;
    QByteArray identity;
    const Abi::Manifest *manifest = nullptr;   // nullptr for a plain library
    std::vector<Binding> bindings;             // where each declared function is in this version
    std::unique_ptr<QObject> root;             // parent of the version's own objects
    bool isRollback = false;                   // brought back after the next version crashed

    explicit operator bool() const { return library != nullptr; }
};

//! What a version is made from.
struct VersionSource
{
    QString filePath;          //!< the watched file, for the copy's name
    int serial = 0;            //!< the copy's number within this process
    QByteArray bytes;
    QByteArray identity;
    QStringList requiredSymbols;
    QList<QHotModule::Slot *> slots;
    int trialLoadMs = 0;       //!< the trial load's time limit; 0: no trial (see probe_p.h)
    bool replacesRunning = false; //!< a version is running (for the words of a refusal)
};

//! A copy written and trial-loaded, not yet opened (see prepareCopy()).
struct PreparedCopy
{
    QString copyPath;          //!< empty when it failed
    QString error;             //!< why it failed (a sentence fragment without the file's name)
    bool notCopied = false;    //!< there was nowhere to copy the bytes: tried again later, not refused
};

/*!
    The part of loadVersion() that may run off the library's thread: copies
    \a source's bytes into the private directory \a dir (made anew when a
    cleaner removed it) and trial-loads the copy out of process. Touches
    nothing but \a dir and the files it writes; the caller keeps any other
    use of \a dir out meanwhile.
*/
PreparedCopy prepareCopy(std::unique_ptr<PrivateDir> &dir, const VersionSource &source);

/*!
    The part of loadVersion() on the library's thread: opens the copy at
    \a copyPath resolving every symbol, checks the required symbols and the
    manifest, and binds every function of \a source's slots. On failure the
    copy is removed, \a error says why and \a outside whether the cause is
    outside the bytes (see loadFailedOutsideTheBytes()).
*/
LoadedVersion openVersion(const QString &copyPath, const VersionSource &source, QString *error,
                          bool *outside = nullptr);

/*!
    The fourth stage of the reload path: from checked bytes to a version that
    can be swapped in. Copies \a bytes into the private directory (made anew
    when a cleaner removed it), trial-loads the copy out of process (a
    version whose static initializer throws, aborts, crashes or hangs there
    is refused), opens the copy resolving every symbol, checks
    the required symbols and the manifest, and binds every function of
    \a slots: prepareCopy() and openVersion() in one. Nothing of the running
    version is touched.

    On failure returns an empty version with \a error set (a sentence fragment
    without the file's name). \a notCopied is set when the bytes themselves
    are fine but there was nowhere to copy them: tried again later, not
    refused. \a outside is set when the copy could not be opened for a cause
    outside its bytes (see loadFailedOutsideTheBytes()).
*/
LoadedVersion loadVersion(std::unique_ptr<PrivateDir> &dir, const VersionSource &source, QString *error,
                          bool *notCopied, bool *outside = nullptr);

/*!
    Whether the system loader's \a message (QLibrary::errorString() after a
    failed load of the copy at \a copyPath, just written) blames something
    outside the copy's bytes: a dependency that is missing, may not be read,
    or is broken. Such a cause can go away with the same bytes (a dependency
    copied in, a permission fixed); a fault of the bytes themselves (a symbol
    they need that nothing defines) cannot.
*/
bool loadFailedOutsideTheBytes(const QString &message, const QString &copyPath);

/*!
    Takes versions out of service. A version that was never live (refused, or
    overtaken by a newer build before its swap) is unloaded at once: nothing
    of the application can point into it. A version that was live is
    \e retired: its objects (the version root's children) are deleted while
    its code is still mapped, but the copy itself stays mapped, its file
    deleted where the platform allows, because the application may still hold
    pointers into it (a detached thread, a timer or connection with a library
    lambda, a kept function pointer, vtable or string literal, a message
    handler). Retired copies are unloaded oldest first once their files
    together exceed the budget (bytes; 0 unloads at once, as a plain
    unloader would), except those that registered Qt types (Qt keeps
    references into them) and those a thread that would not stop still runs
    in. A retired copy is never unloaded when the Retirement goes: it stays
    mapped until the process ends. Once one is unloaded, its address range is
    reserved inaccessible where the platform allows (see reserveUnloaded()).
*/
class Retirement
{
public:
    Retirement();
    ~Retirement();
    Q_DISABLE_COPY_MOVE(Retirement)

    /*!
        Retires \a version, which was live as the library's version
        \a number (0: it never went live); \a libraryPath names it in
        warnings and in the report of a use after it is unloaded.
    */
    void retire(LoadedVersion &version, const QString &libraryPath, int number);
    //! Unloads \a version, which was never live, and deletes its copy.
    void discard(LoadedVersion &version, const QString &libraryPath);

    qint64 budget() const { return m_budget; }
    //! Sets the budget to \a bytes and unloads what no longer fits.
    void setBudget(qint64 bytes);
    //! The retired copies still mapped, and the bytes of their files.
    int retiredCount() const { return int(m_retired.size()); }
    qint64 retiredBytes() const;
    //! The retired copies still mapped whose place in memory is known (see copyLayout()).
    std::vector<OldCopy> mappedCopies() const;

    //! The default budget, or QHOTRELOAD_RETIRED_BUDGET ("256M", "1G", "0", bytes).
    static qint64 defaultBudget();
    //! How long threads under a version root get to stop at the swap.
    static constexpr int ThreadStopMs = 1000;

private:
    struct Retired
    {
        std::unique_ptr<QLibrary> library;
        QString copyPath;
        qint64 bytes = 0;
        bool registeredTypes = false;               // never unloaded: Qt keeps references into it
        std::vector<QPointer<QThread>> strandedThreads; // still running its code
        CopyLayout layout;                          // reserved once it is unloaded
        QString description;                        // what a use after that names
        int number = 0;                             // the version it was when live (0: never live)
        Pins pins;                                  // what may keep it mapped (read before its file goes)
        bool canUnload() const;
    };

    std::vector<QPointer<QThread>> stopThreads(QObject *root, const QString &libraryPath);
    // \a pins: what the copy's symbols showed before its file was deleted
    // (nullptr: the file is still there, read it if the copy stays mapped).
    static bool unloadNow(QLibrary &library, const QString &copyPath, const Pins *pins);
    void enforceBudget();

    std::deque<Retired> m_retired;                  // oldest first
    qint64 m_budget = 0;
    bool m_warnedTypes = false;
};

//! The file name \a name stands for on this platform ("logic" → "liblogic.so").
QString platformLibraryName(const QString &name);
//! Where a relative library name is found (see the QHotLibrary constructor).
QString locateLibrary(const QString &name);
//! Whether the library at \a path is still loaded in this process.
bool isMapped(const QString &path);

} // namespace QHotReload::Internal

#endif
