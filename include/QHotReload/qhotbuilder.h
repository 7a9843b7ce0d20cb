// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QHOTBUILDER_H
#define QHOTRELOAD_QHOTBUILDER_H

#include <QHotReload/qhotreloadcore_export.h>

#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QStringList>

#include <cstddef>
#include <memory>

class QHotLibrary;
class QHotBuilderPrivate;

/*!
    \struct QHotBuildInfo
    \brief How to rebuild one hot library: what qhot_link_library() knows.

    Filled by QHOT_BUILD_INFO(<library target>) from the build-info header
    qhot_link_library() generates for the host; or by hand for a library built
    some other way.
*/
struct QHotBuildInfo
{
    //! The CMake target to build (\c{cmake --build <buildDirectory> --target <target>}).
    QString target;
    //! The build tree to run the build in (the top-level CMAKE_BINARY_DIR).
    QString buildDirectory;
    //! The configuration for multi-config generators (\c{--config}); empty: none.
    QString config;
    //! The library's sources, absolute paths. Generated files are not listed.
    QStringList sources;
    //! The cmake executable; empty: \c cmake from PATH.
    QString cmakeCommand;
};

/*!
    \class QHotBuilder
    \brief Build on save: rebuilds a hot library whenever one of its sources is saved.

    Off by default (\l enabled is false). When enabled, QHotBuilder watches the
    files in \l sources (each file and its directory, so saves made by writing a
    new file and renaming it over the old one are seen) and, when the content of
    one of them changes, runs \c{cmake --build <buildDirectory> --target <target>}
    (or, in a single-configuration Ninja tree, \c{ninja -C <buildDirectory> <target>}
    itself: the same build, without cmake's start in front of it)
    in a QProcess. The QHotLibrary watching the library's output then takes the
    new version as usual; QHotBuilder does not touch the library.

    Saves made while a build runs are coalesced: however many there were, one
    more build runs after the current one ends. Saves that leave a file's
    content as it was start no build.

    A failed build changes nothing that runs: no new library lands, the old code
    keeps running. buildFailed() gives the compiler's first error line (the first
    line of the output containing \c{error:}, else the first containing
    \c{Error}) and the whole output; \l state stays \c Failed until the next
    build starts.

    QHotBuilder knows nothing of indicators: a QHotReloadIndicator (or a QML
    HotReloadStatus) follows a builder's signals once given it with its own
    \c setBuilder(), which QHOT_BUILD_ON_SAVE() calls when given an indicator.

    The one line that turns it on, in a host linked with qhot_link_library():
    \code
    #include <QHotReload/QHotBuilder>

    QHOT_BUILD_ON_SAVE(logic, hot_logic::hotModule().library());           // or
    QHOT_BUILD_ON_SAVE(logic, &myHotLibrary, indicator);                    // also feeds an indicator
    \endcode
    where \c logic is the library's CMake target. It returns the QHotBuilder
    (enabled, a child of the library), or nullptr when hot reload is switched
    off (QHOTRELOAD_STATIC): then it expands to nothing that is evaluated or
    linked, and its arguments need not even compile.

    Headers the library includes are watched too, even when the target does
    not list them: when enabled and after each successful build, QHotBuilder
    reads on a worker thread which files the target's objects depended on at
    their last compile, from the build system's own records (\c{ninja -t deps}
    with Ninja, the compiler's \c{*.o.d} depfiles with Unix Makefiles), and
    watches those inside the project's source directory (\l dependencies).
    System, Qt and generated files are never watched. When the build tree has
    no such records (not built yet, another generator), only \l sources are
    watched; the category \c{qhotreload.builder} says why at debug level.

    Stale code at start: when it is enabled, and once it has learned the
    dependencies, QHotBuilder compares \l libraryFile (set by
    QHOT_BUILD_ON_SAVE from the library) with the files it watches. A library
    that is missing, older than one of them, or whose last build was cut short
    (the application quit during it: a marker file in the build directory,
    \c{.qhotbuilder-<target>.building}, outlived it) is built at once;
    outOfDate() says why first.

    A builder with nothing to build watches nothing and never builds on its
    own: without a \l target (QHOT_BUILD_INFO() with hot reload off), or
    when its target is linked into the application (hot reload off, a QML
    \c{HotBuilder { target: "logic" }} written for a hot build). build()
    still runs what it is told, and fails without a target.

    Owning thread only.
*/
class QHOTRELOAD_CORE_EXPORT QHotBuilder : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool enabled READ isEnabled WRITE setEnabled NOTIFY enabledChanged)
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(bool buildPending READ isBuildPending NOTIFY buildPendingChanged)
    Q_PROPERTY(QString target READ target WRITE setTarget NOTIFY buildInfoChanged)
    Q_PROPERTY(QString buildDirectory READ buildDirectory WRITE setBuildDirectory NOTIFY buildInfoChanged)
    Q_PROPERTY(QString config READ config WRITE setConfig NOTIFY buildInfoChanged)
    Q_PROPERTY(QString cmakeCommand READ cmakeCommand WRITE setCmakeCommand NOTIFY buildInfoChanged)
    Q_PROPERTY(QStringList sources READ sources WRITE setSources NOTIFY sourcesChanged)
    Q_PROPERTY(QStringList dependencies READ dependencies NOTIFY dependenciesChanged)
    Q_PROPERTY(int delay READ delay WRITE setDelay NOTIFY delayChanged)
    Q_PROPERTY(QString firstError READ firstError NOTIFY stateChanged)
    Q_PROPERTY(QString output READ output NOTIFY stateChanged)
    Q_PROPERTY(int buildCount READ buildCount NOTIFY stateChanged)
    Q_PROPERTY(QString libraryFile READ libraryFile WRITE setLibraryFile NOTIFY buildInfoChanged)

public:
    enum State {
        Idle,     //!< no build running; the last one (if any) succeeded
        Building, //!< a build is running
        Failed    //!< the last build failed; the old code keeps running
    };
    Q_ENUM(State)

    //! A builder with nothing to build yet; disabled. \a parent owns it.
    explicit QHotBuilder(QObject *parent = nullptr);
    //! A builder for \a info; disabled until setEnabled(true).
    explicit QHotBuilder(const QHotBuildInfo &info, QObject *parent = nullptr);
    //! Stops watching; a running build is stopped (its whole process group on POSIX),
    //! a running dependency scan is waited for.
    ~QHotBuilder() override;

    /*!
        Creates a builder for \a info as a child of \a library (or of nothing
        if \a library is null), with \l libraryFile the library's file, and
        enables it (which builds at once a library older than its sources,
        once the event loop runs). What QHOT_BUILD_ON_SAVE() calls. With
        \c{QHOTRELOAD_BUILD_ON_SAVE=0} in the environment it stays disabled.
    */
    static QHotBuilder *forLibrary(QHotLibrary *library, const QHotBuildInfo &info);

    //! Whether saves start builds. Enabling starts watching; no build is run for it.
    bool isEnabled() const;
    void setEnabled(bool enabled);

    State state() const;

    //! True while a save made during the running build waits for its own build.
    bool isBuildPending() const;

    QString target() const;
    void setTarget(const QString &target);
    QString buildDirectory() const;
    void setBuildDirectory(const QString &directory);
    QString config() const;
    void setConfig(const QString &config);
    //! The cmake executable; empty means \c cmake from PATH.
    QString cmakeCommand() const;
    void setCmakeCommand(const QString &command);
    //! The files watched (absolute paths).
    QStringList sources() const;
    void setSources(const QStringList &files);
    /*!
        The project files (absolute paths, at most 2000) that the target's
        objects included at their last build and that are watched besides
        sources(): existing files inside the project's source directory (as
        CMakeCache.txt names it), outside the build tree, not in sources().
        Empty until learned, or when the build tree does not record them;
        a failed query keeps what was learned before.
    */
    QStringList dependencies() const;
    /*!
        The library file the target builds, to tell whether it is older than
        the sources when the builder is enabled. Empty (the default unless
        made by forLibrary()): no such check, but a build cut short is still
        detected.
    */
    QString libraryFile() const;
    //! Sets the library file the target builds to \a fileName; see libraryFile().
    void setLibraryFile(const QString &fileName);
    //! Sets target, build directory, config, cmake command and sources from \a info at once.
    void setBuildInfo(const QHotBuildInfo &info);

    /*!
        How long to wait after a save before building (ms, default 0: at
        once). Changes seen together are built once either way, a file still
        open by its writer (where the system says so: Linux) is looked at again
        once it is closed, and saves made during a build are one more build;
        a longer delay also gathers saves of several files made one after the
        other.
    */
    int delay() const;
    void setDelay(int msecs);

    //! The first error line of the last failed build; empty after a success.
    QString firstError() const;
    //! The whole output (stdout and stderr merged) of the last finished build.
    QString output() const;
    //! How many builds were started since this builder was made.
    int buildCount() const;

    /*!
        Milliseconds since the save that the running (or last) build answers:
        the first change of a watched file seen since the build before it
        started, or the build() call that started it without a save. -1
        before the first build. An indicator adds it to what follows the
        build, to tell how long the user waited from the save to the new code.
    */
    qint64 msecsSinceSave() const;

    /*!
        Milliseconds from the start of the running (or last) build to the end
        of its last step other than the link: the compiling, as Ninja reports
        its steps (also under \c{cmake --build}). -1 when not known (no step
        ended yet, another build tool). An indicator tells the link apart
        with it: what follows, up to the new library being taken, is the link.
    */
    int compileMsecs() const;

    /*!
        Extracts the first error line from a build's \a output: the first
        line containing \c{error:} (compilers), else the first containing
        \c{Error} (make, linkers), else the last non-empty line. Terminal
        colour codes are dropped, the line is trimmed.
    */
    static QString firstErrorLine(const QString &output);

public Q_SLOTS:
    /*!
        Builds now, as a save would (also when disabled); while a build runs,
        one more is queued after it.
    */
    void build();

Q_SIGNALS:
    /*!
        The content of the watched \a file (a source or one of the
        dependencies()) changed (a save). A build
        follows at once, or after the running one.
    */
    void sourceSaved(const QString &file);
    //! A build started.
    void buildStarted();
    //! A build ended, successfully (\a ok) or not, after \a msecs.
    void buildFinished(bool ok, int msecs);
    /*!
        A build failed (emitted before buildFinished(false, …)). \a firstError
        is the compiler's first error line (see firstErrorLine()), or why
        cmake could not be run; \a fullOutput is all the build printed.
    */
    void buildFailed(const QString &firstError, const QString &fullOutput);
    /*!
        Found when enabled: the library is older than what it is built from,
        missing, or its last build was cut short; \a reason says which, naming
        the files. A build starts right after.
    */
    void outOfDate(const QString &reason);

    void enabledChanged();
    void stateChanged(QHotBuilder::State state);
    void buildPendingChanged();
    void buildInfoChanged();
    void sourcesChanged();
    void dependenciesChanged();
    void delayChanged();

private:
    Q_DECLARE_PRIVATE(QHotBuilder)
    std::unique_ptr<QHotBuilderPrivate> d_ptr;
};

namespace QHotReload::Detail {
// What QHOT_BUILD_ON_SAVE is with hot reload off: a call (so no "statement
// has no effect" warning) that links nothing.
inline QHotBuilder *noBuilder() noexcept { return nullptr; }

// Arguments in the macro's order: the optional indicator comes last.
inline QHotBuilder *buildOnSave(const QHotBuildInfo &info, QHotLibrary *library)
{
    return QHotBuilder::forLibrary(library, info);
}

// With an indicator: anything with setBuilder(QHotBuilder *)
// (QHotReloadIndicator, the QML HotReloadStatus), checked when compiled.
template <typename Indicator>
QHotBuilder *buildOnSave(const QHotBuildInfo &info, QHotLibrary *library, Indicator *indicator)
{
    QHotBuilder *builder = QHotBuilder::forLibrary(library, info);
    if (indicator)
        indicator->setBuilder(builder);
    return builder;
}

inline QHotBuilder *buildOnSave(const QHotBuildInfo &info, QHotLibrary *library, std::nullptr_t)
{
    return QHotBuilder::forLibrary(library, info);
}

// The sources as qhot_link_library() gives them ('|'-joined, or "@<file>" with
// one per line in <file>; as the target lists them) made absolute against \a sourceDir; generated ones (in the build
// tree \a buildDir, unless the sources live there too) are dropped.
QHOTRELOAD_CORE_EXPORT QStringList resolveSources(const char *joined, const char *sourceDir,
                                                  const char *buildDir);
} // namespace QHotReload::Detail

#if !defined(QHOTRELOAD_STATIC)

/*!
    \macro QHOT_BUILD_INFO(library_target)
    The QHotBuildInfo of \a library_target, a hot library this target was
    linked with by qhot_link_library(). With hot reload off it is an empty
    QHotBuildInfo: a QHotBuilder made from it watches nothing and never builds.
*/
#  define QHOT_BUILD_INFO(library_target)                                                         \
      (QHotBuildInfo{QString::fromUtf8(QHOT_LIBRARY_TARGET_##library_target),                    \
                     QString::fromUtf8(QHOT_LIBRARY_BUILD_DIR_##library_target),                 \
                     QString::fromUtf8(QHOT_LIBRARY_BUILD_CONFIG_##library_target),              \
                     QHotReload::Detail::resolveSources(QHOT_LIBRARY_SOURCES_##library_target,  \
                                                        QHOT_LIBRARY_SOURCE_DIR_##library_target, \
                                                        QHOT_LIBRARY_BUILD_DIR_##library_target), \
                     QString::fromUtf8(QHOT_CMAKE_COMMAND)})

/*!
    \macro QHOT_BUILD_ON_SAVE(library_target, library, indicator)
    Turns build on save on for \a library_target (the CMake target linked with
    qhot_link_library()), whose output \a library (QHotLibrary *) watches, and
    feeds \a indicator if given (it may be left out). Returns the enabled QHotBuilder (a child of
    \a library). With hot reload off it is nullptr and evaluates nothing.
*/
#  define QHOT_BUILD_ON_SAVE(library_target, ...)                                                 \
      (QHotReload::Detail::buildOnSave(QHOT_BUILD_INFO(library_target), __VA_ARGS__))

#else // QHOTRELOAD_STATIC

// Nothing to build: a builder made from it has no target and no sources, and
// never builds.
#  define QHOT_BUILD_INFO(library_target) (QHotBuildInfo{})
#  define QHOT_BUILD_ON_SAVE(library_target, ...) (QHotReload::Detail::noBuilder())

#endif // QHOTRELOAD_STATIC

#endif // QHOTRELOAD_QHOTBUILDER_H
