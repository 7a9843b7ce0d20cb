// SPDX-License-Identifier: MIT
#include <QHotReload/qhotqmlreloader.h>

#include "qmlcarry_p.h"
#include "qmllogging_p.h"
#include "qmlsources_p.h"
#include "qmltree_p.h"
#include "watcher_p.h"

#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QRegularExpression>
#include <QtCore/QSet>
#include <QtCore/QTimer>
#include <QtQml/QQmlComponent>
#include <QtQml/QQmlContext>
#include <QtQml/QQmlEngine>
#include <QtQuick/QQuickItem>
#include <QtQuick/QQuickWindow>

#include <utility>

using namespace QHotReload::Detail;
using QHotReload::Internal::FileWatcher;

class QHotQmlReloaderPrivate
{
public:
    struct Made
    {
        QObject *old = nullptr;
        QObject *made = nullptr;
        QVariantMap values;
    };

    QHotQmlReloaderPrivate(QHotQmlReloader *q, QQmlEngine *engine) : q(q), engine(engine) { }

    QString localPath(const QUrl &url) const;
    QString text(const QUrl &url, bool fromSource) const;
    void followUrl(const QUrl &url);
    void followPath(const QString &path, const QUrl &url);
    void followScene();
    void rewatch();
    void onFileChanged(const QString &path, FileWatcher::Change change);
    void reloadSaved();
    bool reload(const QUrl &url);
    QString firstError(const QList<QQmlError> &errors) const;
    QObject *instantiate(QQmlComponent &component, QObject *old, const QUrl &url, QList<QQmlError> *errors);
    QmlTree::Values pristine(const QUrl &url, const QString &oldText);
    void place(QObject *old, QObject *made);
    QVariantMap givenAtCreation(QObject *old, QObject *made, const QSet<QByteArray> &assigned) const;
    void reportError(const QUrl &url, const QString &message);

    QHotQmlReloader *q;
    QQmlEngine *engine;
    bool engineGone = false;
    bool enabled = true;
    QmlSources sources;
    QmlServe serve;
    QList<QPointer<QObject>> roots;
    // The shared follow stage (src/core/watcher.cpp): the local files, one
    // kernel watch per directory on Linux, Qt's watcher elsewhere.
    FileWatcher watcher;
    // Files to read at the next turn of the event loop, in order; those a
    // writer closed (the kernel tells) are read even if their bytes are the same.
    QStringList saved;
    QSet<QString> closed;
    QTimer look;
    // Each followed file's bytes when last read for a save.
    QHash<QString, QByteArray> bytes;
    // Per file URL as the scene loaded it: its text when its objects were made.
    QHash<QUrl, QString> texts;
    // Local path → the URLs loaded from it; a .js file → the QML files importing it.
    QHash<QString, QList<QUrl>> urlsOfPath;
    QHash<QUrl, QList<QUrl>> importers;
    QSet<QString> reported;
    QmlBaselines baselines;
    // The objects a reload made: made from a component of their own, as a scene root is.
    QSet<QObject *> remade;
    int kept = 0;
    int changed = 0;
    int lastMs = -1;
};

QString QHotQmlReloaderPrivate::localPath(const QUrl &url) const
{
    if (url.isLocalFile())
        return QFileInfo(url.toLocalFile()).absoluteFilePath();
    return sources.sourceOf(url);
}

QString QHotQmlReloaderPrivate::text(const QUrl &url, bool fromSource) const
{
    // What runs was read from the resource; a save is read from the source file.
    QString path = url.isLocalFile() ? url.toLocalFile() : QStringLiteral(":") + url.path();
    if (fromSource && !localPath(url).isEmpty())
        path = localPath(url);
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

void QHotQmlReloaderPrivate::followUrl(const QUrl &url)
{
    if (texts.contains(url))
        return;
    texts.insert(url, text(url, false));
    const QString path = localPath(url);
    if (!path.isEmpty())
        followPath(path, url);
    if (!url.fileName().endsWith(QLatin1String(".qml")))
        return;
    for (const QUrl &script : QmlTree::scriptImports(texts.value(url), url)) {
        if (!importers[script].contains(url))
            importers[script].append(url);
        followUrl(script);
    }
}

void QHotQmlReloaderPrivate::followPath(const QString &path, const QUrl &url)
{
    if (!urlsOfPath.contains(path)) {
        QFile file(path);
        bytes.insert(path, file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray());
    }
    urlsOfPath[path].append(url);
}

void QHotQmlReloaderPrivate::followScene()
{
    QList<QObject *> live;
    for (const QPointer<QObject> &root : std::as_const(roots)) {
        if (root)
            live.append(root);
    }
    for (const QUrl &url : QmlTree::filesUnder(live))
        followUrl(url);
    rewatch();
}

// Gives the watcher the files followed now; it keeps the watches of those it
// had, so a save made meanwhile is still heard.
void QHotQmlReloaderPrivate::rewatch()
{
    if (!enabled)
        return;
    QStringList paths = urlsOfPath.keys();
    paths.sort();
    if (paths != watcher.filePaths())
        watcher.watch(paths);
}

// A word on one followed file. A file renamed over, or deleted and written
// anew (as editors save), is still the followed path: the watcher says so of
// it. A change beside it (Beside) is not listened to.
void QHotQmlReloaderPrivate::onFileChanged(const QString &path, FileWatcher::Change change)
{
    if (!enabled)
        return;
    // Its writer still has it open (only the kernel tells): its close says when
    // the text is whole. A read planned before the writer came back is dropped.
    if (change == FileWatcher::Change::Written) {
        saved.removeAll(path);
        closed.remove(path);
        return;
    }
    if (change == FileWatcher::Change::Completed)
        closed.insert(path);
    // Saves in one turn of the event loop are one reload, of the newest text.
    if (!saved.contains(path))
        saved.append(path);
    if (!look.isActive())
        look.start();
}

void QHotQmlReloaderPrivate::reloadSaved()
{
    const QStringList paths = std::exchange(saved, {});
    const QSet<QString> closedNow = std::exchange(closed, {});
    const bool kernel = watcher.mode() == FileWatcher::Mode::Kernel;
    for (const QString &path : paths) {
        QFile file(path);
        // Gone (an editor between deleting and writing): its return is a word of its own.
        if (!file.open(QIODevice::ReadOnly))
            continue;
        // Still open for writing, though no write was heard (events lost, a
        // writer from before the watch): the kernel reports its close.
        if (kernel && QHotReload::Internal::openWriter(file) == QHotReload::Internal::OpenWriter::Open)
            continue;
        // A touch that left the bytes as they were (its directory changed, or
        // its attributes) is no save; a writer's close is one, even of the same text.
        const QByteArray now = file.readAll();
        if (!closedNow.contains(path) && now == bytes.value(path))
            continue;
        bytes.insert(path, now);
        for (const QUrl &url : urlsOfPath.value(path))
            reload(url);
    }
}

QString QHotQmlReloaderPrivate::firstError(const QList<QQmlError> &errors) const
{
    if (errors.isEmpty())
        return QStringLiteral("unknown error");
    const QQmlError &e = errors.first();
    const QString path = localPath(e.url());
    const QString file = path.isEmpty() ? e.url().toString() : QDir::toNativeSeparators(path);
    return QStringLiteral("%1:%2: %3").arg(file).arg(e.line()).arg(e.description());
}

QObject *QHotQmlReloaderPrivate::instantiate(QQmlComponent &component, QObject *old, const QUrl &url,
                                       QList<QQmlError> *errors)
{
    QQmlContext *context = qmlContext(old);
    // A scene root's own context is its file's: it is made in the one above.
    if (context && context->contextObject() == old)
        context = context->parentContext();
    QList<QQmlError> warnings;
    const auto connection = QObject::connect(engine, &QQmlEngine::warnings, q, [&](const QList<QQmlError> &list) {
        for (const QQmlError &e : list) {
            if (QmlTree::fileUrl(e.url()) == url)
                warnings.append(e);
        }
    });
    QObject *made = component.beginCreate(context ? context : engine->rootContext());
    if (made) {
        // A required property is given the old value: it was given at creation too.
        static const QRegularExpression required(QStringLiteral(R"re(required\s+property\s+[\w<>.]+\s+(\w+))re"));
        QVariantMap initial;
        auto it = required.globalMatch(texts.value(url));
        while (it.hasNext()) {
            const QString name = it.next().captured(1);
            initial.insert(name, old->property(name.toUtf8().constData()));
        }
        if (!initial.isEmpty())
            component.setInitialProperties(made, initial);
        made->setParent(old->parent());
        auto *item = qobject_cast<QQuickItem *>(made);
        if (auto *oldItem = qobject_cast<QQuickItem *>(old); item && oldItem)
            item->setParentItem(oldItem->parentItem());
        component.completeCreate();
    }
    QObject::disconnect(connection);
    *errors = component.errors() + warnings;
    if (!errors->isEmpty() && made) {
        delete made;
        made = nullptr;
    }
    return made;
}

QmlTree::Values QHotQmlReloaderPrivate::pristine(const QUrl &url, const QString &oldText)
{
    // An untouched object of the old text: what the file itself gave.
    QQmlComponent component(engine);
    component.setData(oldText.toUtf8(), url);
    std::unique_ptr<QObject> object(component.create());
    QmlTree::Values out;
    if (object) {
        out = QmlTree::values(object.get());
        if (auto *item = qobject_cast<QQuickItem *>(object.get()))
            item->setParentItem(nullptr);
    }
    return out;
}

void QHotQmlReloaderPrivate::place(QObject *old, QObject *made)
{
    auto *item = qobject_cast<QQuickItem *>(made);
    auto *oldItem = qobject_cast<QQuickItem *>(old);
    if (item && oldItem) {
        if (item->parentItem() && item->parentItem() == oldItem->parentItem())
            item->stackAfter(oldItem);
        oldItem->setParentItem(nullptr);
        oldItem->setVisible(false);
    }
    if (auto *window = qobject_cast<QWindow *>(old))
        window->setVisible(false);
    for (QPointer<QObject> &root : roots) {
        if (root == old) {
            root = made;
            Q_EMIT q->rootReplaced(old, made);
        }
    }
    old->setParent(nullptr);
    old->deleteLater();
}

QVariantMap QHotQmlReloaderPrivate::givenAtCreation(QObject *old, QObject *made, const QSet<QByteArray> &assigned) const
{
    // A scene root's property the file declares without a value, that the
    // application gave when it made the scene (initial properties), keeps it.
    QVariantMap out;
    const QmlTree::Values *base = baselines.find(old);
    if (!base)
        return out;
    for (auto it = base->cbegin(); it != base->cend(); ++it) {
        const QVariant fresh = made->property(it.key().constData());
        if (!assigned.contains(it.key()) && fresh.isValid() && !QmlTree::sameValue(fresh, it.value()))
            out.insert(QString::fromLatin1(it.key()), old->property(it.key().constData()));
    }
    return out;
}

void QHotQmlReloaderPrivate::reportError(const QUrl &url, const QString &message)
{
    qCWarning(lcQml, "%s", qPrintable(message));
    const QString path = localPath(url);
    Q_EMIT q->reloadFailed(path.isEmpty() ? url.toString() : path, message);
}

bool QHotQmlReloaderPrivate::reload(const QUrl &url)
{
    if (url.fileName().endsWith(QLatin1String(".js")) || url.fileName().endsWith(QLatin1String(".mjs"))) {
        // A script is part of the files that import it.
        texts.insert(url, text(url, true));
        if (!url.isLocalFile())
            serve.serve(url, localPath(url));
        bool all = true;
        for (const QUrl &importer : importers.value(url))
            all = reload(importer) && all;
        return all;
    }
    QElapsedTimer took;
    took.start();
    QList<QObject *> live;
    for (const QPointer<QObject> &root : std::as_const(roots)) {
        if (root)
            live.append(root);
    }
    QList<QObject *> olds = QmlTree::instancesOf(live, url);
    // Only what a file declares, or a scene root: what a Repeater, a Loader
    // or createObject() made at run time is its maker's, and keeps the old text.
    QSet<QObject *> scene;
    for (QObject *root : std::as_const(live)) {
        const QList<QObject *> all = QmlTree::subtree(root);
        scene.unite(QSet<QObject *>(all.cbegin(), all.cend()));
    }
    olds.removeIf([&](QObject *old) {
        QQmlContext *context = qmlContext(old);
        const bool declared = context
                && (context->contextObject() == old ? live.contains(old) || remade.contains(old)
                                                    : scene.contains(context->contextObject()));
        if (!declared)
            qCDebug(lcQml, "%s: an object made at run time keeps the old text", qPrintable(url.fileName()));
        return !declared;
    });
    if (olds.isEmpty())
        return false;
    // The new text is read: every cached component (this one, those it uses) is compiled again.
    engine->clearComponentCache();
    const QString oldText = texts.value(url);
    const QString newText = text(url, true);
    if (!url.isLocalFile())
        serve.serve(url, localPath(url));
    QQmlComponent component(engine, url, QQmlComponent::PreferSynchronous);
    if (component.isError()) {
        reportError(url, firstError(component.errors()));
        return false;
    }
    const QSet<QByteArray> bound = QmlTree::boundNames(oldText) + QmlTree::boundNames(newText);
    QHash<QUrl, QSet<QByteArray>> boundOf{{url, bound}};
    QmlCarry carry(baselines, [&](const QUrl &file) {
        if (!boundOf.contains(file))
            boundOf.insert(file, QmlTree::boundNames(texts.value(file)));
        return boundOf.value(file);
    });
    QList<Made> made;
    std::optional<QmlTree::Values> plain;
    for (QObject *old : olds) {
        // Made by a component of its own (not by another file): nothing set values on it.
        const bool sceneRoot = qmlContext(old) && qmlContext(old)->contextObject() == old;
        if (!sceneRoot && !plain)
            plain = pristine(url, oldText);
        Made m{old, nullptr, carry.rootValues(old, sceneRoot ? nullptr : &*plain, url)};
        QList<QQmlError> errors;
        m.made = instantiate(component, old, url, &errors);
        if (!m.made) {
            for (const Made &done : std::as_const(made))
                delete done.made;
            reportError(url, firstError(errors));
            return false;
        }
        made.append(m);
    }
    texts.insert(url, newText);
    const QSet<QByteArray> assigned = QmlTree::assignedNames(oldText) + QmlTree::assignedNames(newText);
    for (Made &m : made) {
        if (qmlContext(m.old) && qmlContext(m.old)->contextObject() == m.old)
            m.values.insert(givenAtCreation(m.old, m.made, assigned));
        baselines.record(m.made, true);
        carry.pair(m.old, m.made);
    }
    for (const Made &m : std::as_const(made))
        carry.write(m.made, m.values, m.old);
    carry.carryPaired();
    for (const Made &m : std::as_const(made)) {
        remade.insert(m.made);
        QObject::connect(m.made, &QObject::destroyed, q, [this, object = m.made] { remade.remove(object); });
        place(m.old, m.made);
    }
    kept = carry.kept();
    changed = carry.changed();
    for (const QString &lost : carry.lost()) {
        const QString line = QStringLiteral("%1: %2").arg(url.fileName(), lost);
        if (!reported.contains(line)) {
            reported.insert(line);
            qCWarning(lcQml, "not kept: %s", qPrintable(line));
        }
    }
    // Files the new objects use for the first time are followed too.
    followScene();
    lastMs = int(took.elapsed());
    const QString path = localPath(url);
    Q_EMIT q->reloaded(path.isEmpty() ? url.toString() : path);
    return true;
}

QHotQmlReloader::QHotQmlReloader(QQmlEngine *engine)
    : QObject(engine), d_ptr(std::make_unique<QHotQmlReloaderPrivate>(this, engine))
{
    connect(&d_ptr->watcher, &FileWatcher::fileChanged, this,
            [this](const QString &path, FileWatcher::Change change) { d_ptr->onFileChanged(path, change); });
    d_ptr->look.setSingleShot(true);
    d_ptr->look.setInterval(0);
    connect(&d_ptr->look, &QTimer::timeout, this, [this] { d_ptr->reloadSaved(); });
    d_ptr->sources.read();
    engine->addUrlInterceptor(&d_ptr->serve);
    connect(engine, &QObject::destroyed, this, [this] { d_ptr->engineGone = true; });
}

QHotQmlReloader::~QHotQmlReloader()
{
    if (!d_ptr->engineGone)
        d_ptr->engine->removeUrlInterceptor(&d_ptr->serve);
}

QHotQmlReloader *QHotQmlReloader::forEngine(QQmlEngine *engine)
{
    if (!engine)
        return nullptr;
    if (auto *existing = engine->findChild<QHotQmlReloader *>(QString(), Qt::FindDirectChildrenOnly))
        return existing;
    return new QHotQmlReloader(engine);
}

QQmlEngine *QHotQmlReloader::engine() const
{
    return d_ptr->engine;
}

void QHotQmlReloader::addRoot(QObject *root)
{
    Q_D(QHotQmlReloader);
    if (!root || std::any_of(d->roots.cbegin(), d->roots.cend(), [root](const auto &r) { return r == root; }))
        return;
    d->roots.append(root);
    d->baselines.record(root);
    d->followScene();
}

QList<QObject *> QHotQmlReloader::roots() const
{
    QList<QObject *> out;
    for (const QPointer<QObject> &root : std::as_const(d_ptr->roots)) {
        if (root)
            out.append(root);
    }
    return out;
}

bool QHotQmlReloader::isEnabled() const
{
    return d_ptr->enabled;
}

void QHotQmlReloader::setEnabled(bool enabled)
{
    Q_D(QHotQmlReloader);
    if (d->enabled == enabled)
        return;
    d->enabled = enabled;
    if (enabled) {
        d->rewatch();
    } else {
        d->watcher.stop();
        d->saved.clear();
        d->closed.clear();
        d->look.stop();
    }
    Q_EMIT enabledChanged();
}

QStringList QHotQmlReloader::watchedFiles() const
{
    QStringList files = d_ptr->urlsOfPath.keys();
    files.sort();
    return files;
}

void QHotQmlReloader::setSourceFile(const QUrl &url, const QString &sourceFile)
{
    Q_D(QHotQmlReloader);
    const QUrl file = QmlTree::fileUrl(url);
    const QString path = QFileInfo(sourceFile).absoluteFilePath();
    const QString before = d->localPath(file);
    d->sources.set(file, path);
    if (!d->texts.contains(file) || before == path)
        return;
    // Followed already: watch the new source instead of the old one.
    if (!before.isEmpty()) {
        QList<QUrl> &urls = d->urlsOfPath[before];
        urls.removeAll(file);
        if (urls.isEmpty()) {
            d->urlsOfPath.remove(before);
            d->bytes.remove(before);
        }
    }
    d->followPath(path, file);
    d->rewatch();
}

bool QHotQmlReloader::reloadFile(const QUrl &file)
{
    Q_D(QHotQmlReloader);
    const QUrl url = file.isRelative() ? QUrl::fromLocalFile(file.toString()) : file;
    const QString path = d->localPath(url);
    const QList<QUrl> urls = d->urlsOfPath.value(path, {QmlTree::fileUrl(url)});
    bool ok = !urls.isEmpty();
    for (const QUrl &u : urls)
        ok = d->reload(u) && ok;
    return ok;
}

int QHotQmlReloader::lastReloadMs() const
{
    return d_ptr->lastMs;
}

int QHotQmlReloader::lastKeptProperties() const
{
    return d_ptr->kept;
}

int QHotQmlReloader::lastChangedProperties() const
{
    return d_ptr->changed;
}
