// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_BUILDER_DEPSCAN_P_H
#define QHOTRELOAD_BUILDER_DEPSCAN_P_H

#include <QtCore/QString>
#include <QtCore/QStringList>

#include <atomic>

namespace QHotReload::Internal {

// The part of the builder that reads the build tree: which project files
// (the headers the hot target's objects included at their last compile)
// rebuild the library when saved. Read from what the build system recorded:
// `ninja -t deps` for Ninja, the compiler's depfiles for Makefiles. It runs on
// a worker thread and shares nothing.

//! Whether \a path is \a dir or lies below it.
inline bool isUnder(const QString &path, const QString &dir)
{
    return !dir.isEmpty()
        && (path == dir || path.startsWith(dir.endsWith(QLatin1Char('/')) ? dir : dir + QLatin1Char('/')));
}

// What a dependency scan needs, copied so the worker thread shares nothing.
struct DependencyQuery
{
    QString buildDir;
    QString target;
    QString config;
    QStringList sources;
};

// What it found, or why it found nothing.
struct DependencyAnswer
{
    QStringList files;
    QString whyNone; // set when the build tree told nothing
};

//! Which project files the target's objects depend on; stops early once
//! \a cancelled is set.
DependencyAnswer scanDependencies(const DependencyQuery &query, const std::atomic_bool &cancelled);

// The command that builds one target.
struct BuildCommand
{
    QString program;
    QStringList arguments;
};

//! The cheapest command that still is the real build of \a target in
//! \a buildDir: the Ninja of a single-configuration Ninja tree, run on the
//! target itself (it regenerates the tree only when a CMake file changed,
//! as `cmake --build` would), else `<cmake> --build`.
BuildCommand buildCommand(const QString &buildDir, const QString &target, const QString &config,
                          const QString &cmake);

} // namespace QHotReload::Internal

#endif
