// SPDX-License-Identifier: MIT
import QtQuick
import QHotReload

/*!
    \qmltype HotReloadIndicator
    \inqmlmodule QHotReload
    \brief A small QtQuick item that shows a HotReloadStatus.

    A one-line status of a HotLibrary: a coloured dot and HotReloadStatus.text
    ("watching liblogic.so (v1)", "v2 live · swap 3 ms", "refused: …"), and,
    with a builder, its builds ("building liblogic.so…", "build failed ·
    logic.cpp:11: expected ';' …", and after one, "saved → live in 2.8 s (build
    2.6 s, link 190 ms, swap 1 ms)"). Short words come first, so a narrow window still
    shows the file and the line; the line wraps onto a second one, elided
    after that, at maximumWidth (by default the parent's width less a margin,
    at most 520). Hovering or a
    click shows the full text (HotReloadStatus.details: a failed build's whole
    output); a second click hides it. With autoHideDelay > 0 it fades out that
    long after a success and comes back at the next change; failures stay
    until the next change. Built from QtQuick alone.

    With hot reload off (the library linkedIn) it shows nothing: it is not
    visible, whatever its builder does.
*/
Item {
    id: root

    /*! The library shown. */
    property HotLibrary library
    /*! The HotBuilder (QHotBuilder) whose builds are shown; none by default. */
    property HotBuilder builder
    /*! Hide this many ms after a success; 0 (the default): never. */
    property int autoHideDelay: 0
    /*! Whether the full text is shown (toggled by a click; also while hovered). */
    property bool expanded: false
    /*! The widest the item grows; the one-line text is elided to it. */
    property real maximumWidth: parent ? Math.min(520, parent.width - 16) : 520
    /*! The status shown, for bindings of the application's own. */
    readonly property HotReloadStatus status: statusObject
    /*! The colour of the text; white by default. */
    property color textColor: "white"
    /*! The font of the text. */
    property font font

    implicitWidth: Math.min(content.implicitWidth + 2 * padding, maximumWidth)
    implicitHeight: content.implicitHeight + 2 * padding
    opacity: hidden ? 0 : 1
    // Hot reload off: nothing is reloaded, so there is nothing to show.
    visible: opacity > 0 && !(library && library.linkedIn)

    readonly property int padding: 6
    property bool hidden: false

    Behavior on opacity { NumberAnimation { duration: 200 } }

    HotReloadStatus {
        id: statusObject
        library: root.library
        builder: root.builder
        onTextChanged: {
            root.hidden = false
            if (root.autoHideDelay > 0 && statusObject.ok)
                hideTimer.restart()
            else
                hideTimer.stop()
        }
    }

    Timer {
        id: hideTimer
        interval: Math.max(1, root.autoHideDelay)
        onTriggered: root.hidden = true
    }

    Rectangle {
        anchors.fill: parent
        radius: 4
        color: "#cc202020"
    }

    Row {
        id: content
        x: root.padding
        y: root.padding
        spacing: 6

        Rectangle {
            id: dot
            objectName: "qhotreload-indicator-dot"
            width: 10
            height: 10
            radius: 5
            anchors.verticalCenter: label.verticalCenter
            color: {
                switch (statusObject.state) {
                case HotReloadStatus.Reloaded: return "#3cb371"
                case HotReloadStatus.Watching: return "#8fbc8f"
                case HotReloadStatus.Reloading:
                case HotReloadStatus.Building: return "#f0ad4e"
                case HotReloadStatus.Refused:
                case HotReloadStatus.BuildFailed:
                case HotReloadStatus.NotLoaded: return "#e05a4f"
                default: return "#909090"
                }
            }
        }

        Text {
            id: label
            objectName: "qhotreload-indicator-text"
            readonly property bool full: root.expanded || hover.hovered
            width: Math.min(implicitWidth, root.maximumWidth - 2 * root.padding - dot.width - content.spacing)
            text: full ? statusObject.details : statusObject.text
            color: root.textColor
            font: root.font
            // A narrow window wraps the line onto a second one rather than cut off the error's words.
            wrapMode: Text.Wrap
            maximumLineCount: full ? 1000 : 2
            elide: Text.ElideRight
        }
    }

    HoverHandler { id: hover }

    MouseArea {
        anchors.fill: parent
        onClicked: root.expanded = !root.expanded
    }
}
