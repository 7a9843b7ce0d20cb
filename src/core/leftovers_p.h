// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_LEFTOVERS_P_H
#define QHOTRELOAD_LEFTOVERS_P_H

#include <QHotReload/qhotreloadcore_export.h>

#include <QtCore/QString>

#include <functional>
#include <vector>

QT_FORWARD_DECLARE_CLASS(QObject)

namespace QHotReload::Internal {

//! A retired copy that is still mapped: where it lies, and which version it was.
struct OldCopy
{
    quintptr start = 0;   //!< page-aligned span of all its segments
    quintptr end = 0;
    int version = 0;      //!< the library's version number it had when it was live

    bool contains(quintptr address) const { return address >= start && address < end; }
};

//! One thing of the application that still points into an old copy.
struct Leftover
{
    enum Kind {
        MessageHandler, //!< the installed qInstallMessageHandler() handler is its code
        Thread,         //!< a QThread whose class (so its run()) is its code
        Object,         //!< a live QObject whose class (vtable or meta-object) is its code
    };
    Kind kind = Object;
    int version = 0;    //!< the retired version it points into
    QString what;       //!< what it is, for a person ("an object of class Foo, parent QCoreApplication")
    QString advice;     //!< what to do instead
    int count = 1;      //!< how many alike (objects of one class with parents of one class)
};

/*!
    Starts following every QObject that is constructed and destroyed from now
    on, through Qt's exported qtHookData (hooks already installed there, a
    tool such as GammaRay's, are called on). Called before a hot library's
    first version is loaded, so every object a version makes is seen. Does
    nothing a second time, or when this Qt's hook table is too old or too
    small; findLeftovers() then walks the application object's tree instead.
*/
void followObjects();

/*!
    What the application still holds that points into one of \a copies, as
    far as public API lets it be seen: the installed message handler, and the
    QObjects of the GUI thread (the caller's) whose class lives in a copy
    (their vtable or meta-object lies in it), QThreads among them. Objects
    living in other threads are not looked at (their class cannot be read
    safely while they may be being destroyed). \a isRedirected tells whether
    an entry point (the message handler) jumps to the running version;
    empty: nothing is redirected. Reads only; must run while \a copies are
    mapped.
*/
/*!
    Tells that \a object, of a version about to be swapped out, is deleted by
    its owner as soon as the swap has ended (QML's HotObject replaces its
    backend at reloaded()): findLeftovers() does not name it, until it is
    destroyed. On the library's thread. Exported for QHotReload's QML module.
*/
QHOTRELOAD_CORE_EXPORT void deletedAfterSwap(QObject *object);

std::vector<Leftover> findLeftovers(const std::vector<OldCopy> &copies,
                                    const std::function<bool(quintptr)> &isRedirected);

/*!
    The one warning for \a found at a swap of the library at \a libraryPath:
    each finding with what to do. Empty when \a found is.
*/
QString leftoversWarning(const QString &libraryPath, const std::vector<Leftover> &found);

//! How findLeftovers() enumerates objects: through Qt's hooks, or the application's tree.
bool followsObjectsThroughHooks();

} // namespace QHotReload::Internal

#endif
