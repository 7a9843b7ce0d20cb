// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_VERSION_P_H
#define QHOTRELOAD_VERSION_P_H

#include "manifest_p.h"
#include "privatedir_p.h"

#include <QtCore/QByteArray>
#include <QtCore/QLibrary>
#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QStringList>

#include <memory>
#include <vector>

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
};

/*!
    The fourth stage of the reload path: from checked bytes to a version that
    can be swapped in. Copies \a bytes into the private directory (made anew
    when a cleaner removed it), opens the copy resolving every symbol, checks
    the required symbols and the manifest, and binds every function of
    \a slots. Nothing of the running version is touched.

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
    Takes versions out of service once they are swapped out: their objects go
    first while their code is still mapped, then the Qt types they registered,
    then the copy is unloaded and deleted. A version that registered Qt types
    stays mapped (Qt keeps references into it); the first time, a warning
    naming \a libraryPath says so.
*/
class Retirement
{
public:
    void retire(LoadedVersion &version, const QString &libraryPath);

private:
    std::vector<std::unique_ptr<QLibrary>> m_keptMapped;
    bool m_warned = false;
};

//! The file name \a name stands for on this platform ("logic" → "liblogic.so").
QString platformLibraryName(const QString &name);
//! Where a relative library name is found (see the QHotLibrary constructor).
QString locateLibrary(const QString &name);
//! Whether the library at \a path is still loaded in this process.
bool isMapped(const QString &path);

} // namespace QHotReload::Internal

#endif
