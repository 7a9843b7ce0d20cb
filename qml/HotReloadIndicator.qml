// SPDX-License-Identifier: MIT
import QtQuick
import QHotReload

/*!
    \qmltype HotReloadIndicator
    \inqmlmodule QHotReload
    \brief A small QtQuick item that shows a HotReloadStatus.

    A one-line status of a HotLibrary: a coloured dot and HotReloadStatus.text
    ("watching liblogic.so (v1)", "reloaded v2 in 3 ms", "refused: …"), and,
    with a builder, its builds ("building liblogic.so…", "build failed: …"
    with the compiler's first error). A click shows the full text
    (HotReloadStatus.details: a failed build's whole output) and hides it again.
    With autoHideDelay > 0 it fades out that long after a success and comes
    back at the next change; failures stay until the next change.
    Built from QtQuick alone.
*/
Item {
    id: root

    /*! The library shown. */
    property HotLibrary library
    /*! The HotBuilder (QHotBuilder) whose builds are shown; none by default. */
    property HotBuilder builder
    /*! Hide this many ms after a success; 0 (the default): never. */
    property int autoHideDelay: 0
    /*! Whether the full text is shown (toggled by a click). */
    property bool expanded: false
    /*! The status shown, for bindings of the application's own. */
    readonly property HotReloadStatus status: statusObject
    /*! The colour of the text; white by default. */
    property color textColor: "white"
    /*! The font of the text. */
    property font font

    implicitWidth: Math.min(content.implicitWidth + 2 * padding, 520)
    implicitHeight: content.implicitHeight + 2 * padding
    opacity: hidden ? 0 : 1
    visible: opacity > 0

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
            width: Math.min(implicitWidth, 520 - 2 * root.padding - dot.width - content.spacing)
            text: root.expanded ? statusObject.details : statusObject.text
            color: root.textColor
            font: root.font
            wrapMode: root.expanded ? Text.Wrap : Text.NoWrap
            elide: root.expanded ? Text.ElideNone : Text.ElideRight
        }
    }

    MouseArea {
        anchors.fill: parent
        onClicked: root.expanded = !root.expanded
    }
}
