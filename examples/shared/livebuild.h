// SPDX-License-Identifier: MIT
#ifndef QHOTEXAMPLES_LIVEBUILD_H
#define QHOTEXAMPLES_LIVEBUILD_H

#include <QtCore/QDir>
#include <QtCore/QString>
#include <QtCore/QStringList>

// Where an example's build lives and how its hot library is rebuilt, so the
// app can tell the user (and its scripted demo can run) the exact command.
struct LiveBuild
{
    QString sourceDir;    // the example's folder in the source tree: what a user edits
    QString liveDir;      // the copies the build compiles, which the scripted demo edits
    QString buildDir;     // the top of the build tree
    QString cmakeCommand;
    QString target;       // the hot library's target
    QString config;       // set only for multi-config generators

    QString sourceFile(const QString &name) const { return QDir(sourceDir).filePath(name); }
    QString liveFile(const QString &name) const { return QDir(liveDir).filePath(name); }

    QStringList buildArguments() const
    {
        QStringList arguments = { QStringLiteral("--build"), buildDir, QStringLiteral("--target"), target };
        // Multi-config generators build Debug unless told.
        if (!config.isEmpty())
            arguments << QStringLiteral("--config") << config;
        return arguments;
    }

    // The rebuild command as a user types it.
    QString commandLine() const
    {
        QStringList words = { QStringLiteral("cmake") };
        for (const QString &argument : buildArguments()) {
            const QString native = QDir::toNativeSeparators(argument);
            words << (native.contains(QLatin1Char(' ')) ? QLatin1Char('"') + native + QLatin1Char('"') : native);
        }
        return words.join(QLatin1Char(' '));
    }
};

// The example's own build, baked in by qhot_example() in examples/CMakeLists.txt.
#define QHOT_EXAMPLE_LIVE_BUILD()                                                                 \
    LiveBuild{QStringLiteral(QHOT_EXAMPLE_SOURCE_DIR), QStringLiteral(QHOT_EXAMPLE_LIVE_DIR),     \
              QStringLiteral(QHOT_EXAMPLE_BUILD_DIR),  QStringLiteral(QHOT_EXAMPLE_CMAKE_COMMAND), \
              QStringLiteral(QHOT_EXAMPLE_LIBRARY_TARGET), QStringLiteral(QHOT_EXAMPLE_BUILD_CONFIG)}

#endif // QHOTEXAMPLES_LIVEBUILD_H
