// SPDX-License-Identifier: MIT
#include <QHotReload/qhotreloadindicator.h>

#include <QHotReload/qhotlibrary.h>

#include "statusmodel_p.h"

#include <QtCore/QEvent>
#include <QtCore/QPointer>
#include <QtCore/QTimer>
#include <QtGui/QMouseEvent>
#include <QtGui/QPainter>
#include <QtGui/QTextLayout>
#include <QtWidgets/QAbstractButton>
#include <QtWidgets/QAbstractSlider>
#include <QtWidgets/QAbstractSpinBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QDialog>
#include <QtWidgets/QDialogButtonBox>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QMenuBar>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QTabBar>
#include <QtWidgets/QToolBar>
#include <QtWidgets/QVBoxLayout>

namespace {
constexpr int OverlayAutoHideMs = 4000;
constexpr int OverlayMargin = 8;
constexpr int MaxWidth = 520;
// A narrow window wraps the line rather than cut off the error's words.
constexpr int MaxLines = 2;
constexpr int Padding = 4;

// The lines \a text takes at \a width: wrapped at word boundaries, at most
// MaxLines, the last one elided if the text needs more.
QStringList wrapLines(const QString &text, const QFont &font, int width)
{
    const QFontMetrics fm(font);
    QStringList lines;
    if (width <= 0)
        return lines;
    QTextLayout layout(text, font);
    layout.beginLayout();
    for (;;) {
        QTextLine line = layout.createLine();
        if (!line.isValid())
            break;
        line.setLineWidth(width);
        if (lines.size() == MaxLines - 1) {
            // The last line holds the rest, elided.
            lines << fm.elidedText(text.mid(line.textStart()).trimmed(), Qt::ElideRight, width);
            break;
        }
        lines << text.mid(line.textStart(), line.textLength()).trimmed();
    }
    layout.endLayout();
    return lines;
}
} // namespace

class QHotReloadIndicatorPrivate
{
    Q_DECLARE_PUBLIC(QHotReloadIndicator)

public:
    explicit QHotReloadIndicatorPrivate(QHotReloadIndicator *q) : q_ptr(q) {}

    void present();
    void place();

    QHotReloadIndicator *q_ptr;
    // What it says: the one status model both indicators present.
    QHotReload::Detail::StatusModel model;

    QHotReloadIndicator::State state = QHotReloadIndicator::Idle;
    QString text;
    QString details;

    QPointer<QWidget> overlayWindow;
    Qt::Corner corner = Qt::BottomRightCorner;
    int autoHideDelay = 0;
    QTimer *hideTimer = nullptr;
    QPointer<QDialog> detailsDialog;
};

// Shows what the model says now. A swap in progress (a few ms) is not shown:
// its result is.
void QHotReloadIndicatorPrivate::present()
{
    using Model = QHotReload::Detail::StatusModel;
    Q_Q(QHotReloadIndicator);
    QHotReloadIndicator::State s = state;
    switch (model.state()) {
    case Model::Idle: s = QHotReloadIndicator::Idle; break;
    case Model::NotLoaded: s = QHotReloadIndicator::NotLoaded; break;
    case Model::Watching: s = QHotReloadIndicator::Watching; break;
    case Model::Reloading: return;
    case Model::Reloaded: s = QHotReloadIndicator::Reloaded; break;
    case Model::Refused: s = QHotReloadIndicator::Refused; break;
    case Model::Building: s = QHotReloadIndicator::Building; break;
    case Model::BuildFailed: s = QHotReloadIndicator::BuildFailed; break;
    }
    const bool stateChanged = s != state;
    const bool textChanged = model.text() != text || model.details() != details;
    state = s;
    text = model.text();
    details = model.details();
    q->setToolTip(details.isEmpty() ? text : details);
    if (detailsDialog) {
        if (auto *edit = detailsDialog->findChild<QPlainTextEdit *>())
            edit->setPlainText(details.isEmpty() ? text : details);
    }
    if (overlayWindow) {
        q->show();
        q->adjustSize();
        place();
        q->raise();
    }
    if (hideTimer) {
        const bool success = s == QHotReloadIndicator::Watching || s == QHotReloadIndicator::Reloaded;
        if (success && autoHideDelay > 0)
            hideTimer->start(autoHideDelay);
        else
            hideTimer->stop();
    }
    q->updateGeometry();
    q->update();
    if (stateChanged)
        Q_EMIT q->stateChanged(s);
    if (textChanged)
        Q_EMIT q->textChanged();
}

// Whether \a r (in \a window's coordinates) covers a control of it: something
// the user clicks or types into.
static bool coversControl(QWidget *window, const QWidget *indicator, const QRect &r)
{
    const auto children = window->findChildren<QWidget *>();
    for (const QWidget *w : children) {
        if (w == indicator || !w->isVisible() || indicator->isAncestorOf(w))
            continue;
        const bool control = qobject_cast<const QAbstractButton *>(w) || qobject_cast<const QAbstractSpinBox *>(w)
                || qobject_cast<const QAbstractSlider *>(w) || qobject_cast<const QComboBox *>(w)
                || qobject_cast<const QLineEdit *>(w) || qobject_cast<const QTabBar *>(w)
                || qobject_cast<const QMenuBar *>(w) || qobject_cast<const QToolBar *>(w);
        if (control && r.intersects(QRect(w->mapTo(window, QPoint()), w->size())))
            return true;
    }
    return false;
}

void QHotReloadIndicatorPrivate::place()
{
    Q_Q(QHotReloadIndicator);
    if (!overlayWindow)
        return;
    const QRect area = overlayWindow->rect().adjusted(OverlayMargin, OverlayMargin, -OverlayMargin, -OverlayMargin);
    const int width = qMin(q->sizeHint().width(), area.width());
    const QSize size(width, qMin(q->heightForWidth(width), area.height()));
    const auto inCorner = [&](Qt::Corner c) {
        QRect r(QPoint(), size);
        switch (c) {
        case Qt::TopLeftCorner: r.moveTopLeft(area.topLeft()); break;
        case Qt::TopRightCorner: r.moveTopRight(area.topRight()); break;
        case Qt::BottomLeftCorner: r.moveBottomLeft(area.bottomLeft()); break;
        case Qt::BottomRightCorner: r.moveBottomRight(area.bottomRight()); break;
        }
        return r;
    };
    // The corner asked for, unless it covers the window's controls (a narrow
    // window's bottom buttons): then the first corner that covers none.
    QRect chosen = inCorner(corner);
    if (coversControl(overlayWindow, q, chosen)) {
        const bool bottom = corner == Qt::BottomLeftCorner || corner == Qt::BottomRightCorner;
        const bool right = corner == Qt::TopRightCorner || corner == Qt::BottomRightCorner;
        const Qt::Corner sameEdge = bottom ? (right ? Qt::BottomLeftCorner : Qt::BottomRightCorner)
                                           : (right ? Qt::TopLeftCorner : Qt::TopRightCorner);
        const Qt::Corner across = bottom ? (right ? Qt::TopRightCorner : Qt::TopLeftCorner)
                                         : (right ? Qt::BottomRightCorner : Qt::BottomLeftCorner);
        const Qt::Corner opposite = bottom ? (right ? Qt::TopLeftCorner : Qt::TopRightCorner)
                                           : (right ? Qt::BottomLeftCorner : Qt::BottomRightCorner);
        for (Qt::Corner c : {sameEdge, across, opposite}) {
            const QRect r = inCorner(c);
            if (!coversControl(overlayWindow, q, r)) {
                chosen = r;
                break;
            }
        }
    }
    q->setGeometry(chosen);
}

// --- QHotReloadIndicator ---------------------------------------------------------

QHotReloadIndicator::QHotReloadIndicator(QWidget *parent)
    : QWidget(parent)
    , d_ptr(std::make_unique<QHotReloadIndicatorPrivate>(this))
{
    setObjectName(QStringLiteral("qhotreload-indicator"));
    setCursor(Qt::PointingHandCursor);
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
    Q_D(QHotReloadIndicator);
    connect(&d->model, &QHotReload::Detail::StatusModel::stateChanged, this, [d] { d->present(); });
    connect(&d->model, &QHotReload::Detail::StatusModel::textChanged, this, [d] { d->present(); });
    connect(&d->model, &QHotReload::Detail::StatusModel::libraryGone, this, &QHotReloadIndicator::libraryChanged);
    connect(&d->model, &QHotReload::Detail::StatusModel::builderGone, this, &QHotReloadIndicator::builderChanged);
    d->present();
}

QHotReloadIndicator::QHotReloadIndicator(QHotLibrary *library, QWidget *parent)
    : QHotReloadIndicator(parent)
{
    setLibrary(library);
}

QHotReloadIndicator::~QHotReloadIndicator()
{
    Q_D(QHotReloadIndicator);
    d->model.disconnect(this);
    if (d->overlayWindow)
        d->overlayWindow->removeEventFilter(this);
    delete d->detailsDialog.data();
}

QHotReloadIndicator *QHotReloadIndicator::attachOverlay(QWidget *window, QHotLibrary *library, Qt::Corner corner)
{
    if (!window || !library)
        return nullptr;
    auto *indicator = new QHotReloadIndicator(window);
    // Over the window's own widgets: a size smaller than theirs.
    QFont font = indicator->font();
    font.setPointSizeF(font.pointSizeF() * 0.9);
    indicator->setFont(font);
    QHotReloadIndicatorPrivate *d = indicator->d_func();
    d->overlayWindow = window;
    d->corner = corner;
    d->hideTimer = new QTimer(indicator);
    d->hideTimer->setSingleShot(true);
    QObject::connect(d->hideTimer, &QTimer::timeout, indicator, &QWidget::hide);
    d->autoHideDelay = OverlayAutoHideMs;
    window->installEventFilter(indicator);
    indicator->setLibrary(library);
    indicator->show();
    indicator->adjustSize();
    d->place();
    indicator->raise();
    return indicator;
}

QHotLibrary *QHotReloadIndicator::library() const
{
    Q_D(const QHotReloadIndicator);
    return d->model.library();
}

void QHotReloadIndicator::setLibrary(QHotLibrary *library)
{
    Q_D(QHotReloadIndicator);
    if (library == d->model.library())
        return;
    d->model.setLibrary(library);
    Q_EMIT libraryChanged();
}

QHotBuilder *QHotReloadIndicator::builder() const
{
    Q_D(const QHotReloadIndicator);
    return d->model.builder();
}

void QHotReloadIndicator::setBuilder(QHotBuilder *builder)
{
    Q_D(QHotReloadIndicator);
    if (builder == d->model.builder())
        return;
    d->model.setBuilder(builder);
    Q_EMIT builderChanged();
}

int QHotReloadIndicator::lastSaveToLiveMs() const
{
    Q_D(const QHotReloadIndicator);
    return d->model.lastSaveToLiveMs();
}

QHotReloadIndicator::State QHotReloadIndicator::state() const
{
    Q_D(const QHotReloadIndicator);
    return d->state;
}

QString QHotReloadIndicator::text() const
{
    Q_D(const QHotReloadIndicator);
    return d->text;
}

QString QHotReloadIndicator::details() const
{
    Q_D(const QHotReloadIndicator);
    return d->details;
}

int QHotReloadIndicator::lastReloadMs() const
{
    Q_D(const QHotReloadIndicator);
    return d->model.lastReloadMs();
}

int QHotReloadIndicator::autoHideDelay() const
{
    Q_D(const QHotReloadIndicator);
    return d->autoHideDelay;
}

void QHotReloadIndicator::setAutoHideDelay(int msecs)
{
    Q_D(QHotReloadIndicator);
    msecs = qMax(0, msecs);
    if (msecs == d->autoHideDelay)
        return;
    d->autoHideDelay = msecs;
    if (!d->hideTimer) {
        d->hideTimer = new QTimer(this);
        d->hideTimer->setSingleShot(true);
        connect(d->hideTimer, &QTimer::timeout, this, &QWidget::hide);
    }
    if (msecs == 0)
        d->hideTimer->stop();
    Q_EMIT autoHideDelayChanged();
}

void QHotReloadIndicator::setBuilding(bool building)
{
    Q_D(QHotReloadIndicator);
    d->model.setBuilding(building);
}

void QHotReloadIndicator::setBuildFailed(const QString &firstError, const QString &fullText)
{
    Q_D(QHotReloadIndicator);
    d->model.buildFailed(firstError, fullText);
}

void QHotReloadIndicator::showDetails()
{
    Q_D(QHotReloadIndicator);
    if (!d->detailsDialog) {
        auto *dialog = new QDialog(window());
        dialog->setObjectName(QStringLiteral("qhotreload-details"));
        dialog->setWindowTitle(tr("Hot reload"));
        auto *layout = new QVBoxLayout(dialog);
        auto *edit = new QPlainTextEdit(dialog);
        edit->setReadOnly(true);
        edit->setLineWrapMode(QPlainTextEdit::NoWrap);
        edit->setFont(QFont(QStringLiteral("monospace")));
        layout->addWidget(edit);
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
        connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
        layout->addWidget(buttons);
        dialog->resize(640, 360);
        d->detailsDialog = dialog;
    }
    if (auto *edit = d->detailsDialog->findChild<QPlainTextEdit *>())
        edit->setPlainText(d->details.isEmpty() ? d->text : d->details);
    d->detailsDialog->show();
    d->detailsDialog->raise();
}

QSize QHotReloadIndicator::sizeHint() const
{
    Q_D(const QHotReloadIndicator);
    const QFontMetrics fm = fontMetrics();
    const int h = fm.height() + 2 * Padding;
    const int w = h + fm.horizontalAdvance(d->text) + 10;
    return QSize(qMin(w, MaxWidth), h);
}

bool QHotReloadIndicator::hasHeightForWidth() const
{
    return true;
}

int QHotReloadIndicator::heightForWidth(int width) const
{
    const QFontMetrics fm = fontMetrics();
    const int lines = qMax(1, int(shownLines(width).size()));
    return lines * fm.lineSpacing() + (fm.height() - fm.lineSpacing()) + 2 * Padding;
}

QStringList QHotReloadIndicator::shownLines(int width) const
{
    Q_D(const QHotReloadIndicator);
    // The dot takes a square of one line's height on the left.
    const int dotArea = fontMetrics().height() + 2 * Padding;
    return wrapLines(d->text, font(), width - dotArea - 5);
}

QString QHotReloadIndicator::shownText() const
{
    return shownLines(width()).join(QLatin1Char('\n'));
}

void QHotReloadIndicator::paintEvent(QPaintEvent *)
{
    Q_D(QHotReloadIndicator);
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF r = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    QColor background = palette().color(QPalette::ToolTipBase);
    background.setAlpha(d->overlayWindow ? 230 : 255);
    p.setPen(palette().color(QPalette::Mid));
    p.setBrush(background);
    p.drawRoundedRect(r, 4, 4);

    QColor dot;
    switch (d->state) {
    case Idle: dot = QColor(0x9e, 0x9e, 0x9e); break;
    case Watching: dot = QColor(0x42, 0x85, 0xf4); break;
    case Building: dot = QColor(0xf5, 0xa6, 0x23); break;
    case Reloaded: dot = QColor(0x2e, 0xa0, 0x43); break;
    case NotLoaded:
    case Refused:
    case BuildFailed: dot = QColor(0xd9, 0x30, 0x25); break;
    }
    const QFontMetrics fm = fontMetrics();
    const int h = fm.height() + 2 * Padding; // one line's row: the dot sits in its square
    const qreal radius = h / 5.0;
    p.setPen(Qt::NoPen);
    p.setBrush(dot);
    p.drawEllipse(QPointF(h / 2.0, h / 2.0), radius, radius);

    p.setPen(palette().color(QPalette::ToolTipText));
    const QStringList lines = shownLines(width());
    int y = Padding + fm.ascent();
    for (const QString &line : lines) {
        p.drawText(QPoint(h, y), line);
        y += fm.lineSpacing();
    }
}

void QHotReloadIndicator::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && rect().contains(event->position().toPoint()))
        showDetails();
    QWidget::mouseReleaseEvent(event);
}

bool QHotReloadIndicator::eventFilter(QObject *watched, QEvent *event)
{
    Q_D(QHotReloadIndicator);
    if (watched == d->overlayWindow) {
        switch (event->type()) {
        case QEvent::Resize:
        case QEvent::LayoutRequest:
            d->place();
            break;
        case QEvent::ChildAdded:
            // Stay above widgets added later.
            QTimer::singleShot(0, this, [this] { raise(); });
            break;
        default:
            break;
        }
    }
    return QWidget::eventFilter(watched, event);
}
