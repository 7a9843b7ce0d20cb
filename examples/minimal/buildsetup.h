// SPDX-License-Identifier: MIT
#ifndef MINIMAL_BUILDSETUP_H
#define MINIMAL_BUILDSETUP_H

#include <QtCore/QDir>
#include <QtCore/QString>
#include <QtCore/QStringList>

// Where this build of the example lives, baked in by CMakeLists.txt so the app
// can tell the user (and the demo can run) the exact rebuild command.
namespace BuildSetup {

// The file a user edits: examples/minimal/logic.cpp in the source tree.
inline QString sourceFile() { return QStringLiteral(MINIMAL_SOURCE_FILE); }
// The copy of it that the build compiles, and that the scripted demo edits.
inline QString liveSourceFile() { return QStringLiteral(MINIMAL_LIVE_SOURCE_FILE); }
inline QString buildDir() { return QStringLiteral(MINIMAL_BUILD_DIR); }
inline QString cmakeCommand() { return QStringLiteral(MINIMAL_CMAKE_COMMAND); }

inline QStringList buildArguments()
{
    QStringList arguments = { QStringLiteral("--build"), buildDir(),
                              QStringLiteral("--target"), QStringLiteral("minimal_logic") };
    // Set only for multi-config generators, which build Debug unless told.
    const QString config = QStringLiteral(MINIMAL_BUILD_CONFIG);
    if (!config.isEmpty())
        arguments << QStringLiteral("--config") << config;
    return arguments;
}

// The rebuild command as a user types it.
inline QString buildCommandLine()
{
    QStringList words = { QStringLiteral("cmake") };
    for (const QString &argument : buildArguments()) {
        const QString native = QDir::toNativeSeparators(argument);
        if (native.contains(QLatin1Char(' ')))
            words << QLatin1Char('"') + native + QLatin1Char('"');
        else
            words << native;
    }
    return words.join(QLatin1Char(' '));
}

} // namespace BuildSetup

#endif // MINIMAL_BUILDSETUP_H
